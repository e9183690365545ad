import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AwsEmulators,
  describeFault,
  type Fault,
  faultPoints,
  recordCalls,
  startAwsEmulators,
  withFaults,
} from "../src/index.js";

let aws: AwsEmulators;
let dynamodb: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let sqs: SQSClient;
let s3: S3Client;
let sequence = 0;

beforeAll(async () => {
  aws = await startAwsEmulators({ prefix: "faults" });
});
afterAll(() => aws.stop());
beforeEach(() => {
  // Fresh clients each test: a session's middleware must not leak into the next one.
  dynamodb = new DynamoDBClient({ maxAttempts: 1 });
  documents = DynamoDBDocumentClient.from(dynamodb);
  sqs = new SQSClient({ maxAttempts: 1 });
  s3 = new S3Client({ maxAttempts: 1 });
  aws.fauxqs.reset();
  return () => {
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
  };
});

const newId = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, "0")}`;

function putTask(id: string, client = documents) {
  return client.send(
    new PutCommand({
      TableName: aws.tableName,
      Item: { id, status: "queued" },
      ConditionExpression: "attribute_not_exists(id)",
    }),
  );
}

/** What the table holds, read through a client no fault touches. */
async function stored(id: string) {
  const out = await DynamoDBDocumentClient.from(aws.dynamodb).send(
    new GetCommand({ TableName: aws.tableName, Key: { id }, ConsistentRead: true }),
  );
  return out.Item;
}

async function queueDepth(): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

const sendMessage = (client = sqs) =>
  client.send(new SendMessageCommand({ QueueUrl: aws.queueUrl, MessageBody: "{}" }));

const putObject = (key: string) =>
  s3.send(new PutObjectCommand({ Bucket: aws.buckets.payloads, Key: key, Body: "{}" }));

const at = (
  service: string,
  command: string,
  nth: number,
  rest: Pick<Fault, "kind" | "error">,
): Fault => ({
  service,
  command,
  nth,
  ...rest,
});

describe("a session records", () => {
  it("every call, numbered per service and command in the order it was sent", async () => {
    const session = withFaults({ documents, sqs, s3 }, []);
    const [a, b] = [newId(), newId()];

    await Promise.all([putTask(a), putTask(b), sendMessage()]);
    await putObject("inputs/a.json");

    expect(session.calls).toEqual([
      {
        service: "DynamoDB",
        command: "PutItemCommand",
        nth: 1,
        detail: `${aws.tableName} ${a}`,
        outcome: "ok",
      },
      {
        service: "DynamoDB",
        command: "PutItemCommand",
        nth: 2,
        detail: `${aws.tableName} ${b}`,
        outcome: "ok",
      },
      {
        service: "SQS",
        command: "SendMessageCommand",
        nth: 1,
        detail: "faults-tasks",
        outcome: "ok",
      },
      {
        service: "S3",
        command: "PutObjectCommand",
        nth: 1,
        detail: `${aws.buckets.payloads} inputs/a.json`,
        outcome: "ok",
      },
    ]);
    expect(session.fired).toEqual([]);
  });

  it("a document client's commands under the command it sends, through its client's stack", async () => {
    // Passing both clients must not count each call twice: they share one middleware stack.
    const { calls } = await recordCalls({ dynamodb, documents }, () => putTask(newId()));

    expect(calls.map((c) => `${c.service}.${c.command}#${c.nth}`)).toEqual([
      "DynamoDB.PutItemCommand#1",
    ]);
  });

  it("the name of the error each failed call threw", async () => {
    const id = newId();
    await putTask(id);
    const session = withFaults([documents], []);

    await expect(putTask(id)).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    expect(session.calls[0]?.outcome).toBe("ConditionalCheckFailedException");
  });
});

describe("a fault before the call", () => {
  it.each([
    {
      service: "DynamoDB",
      run: () => putTask(newId()),
      error: {
        name: "ProvisionedThroughputExceededException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      },
    },
    {
      service: "SQS",
      run: () => sendMessage(),
      error: { name: "RequestThrottled", $metadata: { httpStatusCode: 403 } },
    },
    {
      service: "S3",
      run: () => putObject("inputs/throttled.json"),
      error: { name: "SlowDown", $metadata: { httpStatusCode: 503 } },
    },
  ])(
    "throttles $service with the error the SDK makes of the service's own answer",
    async ({ service, run, error }) => {
      const command = {
        DynamoDB: "PutItemCommand",
        SQS: "SendMessageCommand",
        S3: "PutObjectCommand",
      }[service] as string;
      const session = withFaults({ documents, sqs, s3 }, [
        at(service, command, 1, { kind: "before" }),
      ]);

      await expect(run()).rejects.toMatchObject(error);

      expect(session.fired).toHaveLength(1);
      expect(await queueDepth()).toBe(0);
    },
  );

  it("never reaches the service: a throttled or reset put writes nothing", async () => {
    const [throttled, reset] = [newId(), newId()];
    withFaults(
      [documents],
      [
        at("DynamoDB", "PutItemCommand", 1, { kind: "before", error: "throttle" }),
        at("DynamoDB", "PutItemCommand", 2, { kind: "before", error: "reset" }),
      ],
    );

    await expect(putTask(throttled)).rejects.toMatchObject({
      name: "ProvisionedThroughputExceededException",
    });
    await expect(putTask(reset)).rejects.toMatchObject({ code: "ECONNRESET" });

    expect(await stored(throttled)).toBeUndefined();
    expect(await stored(reset)).toBeUndefined();
  });

  it("fails only the call it names: the next one of the same command goes through", async () => {
    const [first, second] = [newId(), newId()];
    withFaults([documents], [at("DynamoDB", "PutItemCommand", 1, { kind: "before" })]);

    await expect(putTask(first)).rejects.toThrow();
    await putTask(second);

    expect(await stored(second)).toEqual({ id: second, status: "queued" });
  });
});

describe("a fault after the call", () => {
  it("applies the call, then loses its answer: the caller sees a timeout", async () => {
    const id = newId();
    withFaults([documents], [at("DynamoDB", "PutItemCommand", 1, { kind: "after" })]);

    await expect(putTask(id)).rejects.toMatchObject({ name: "TimeoutError" });

    expect(await stored(id)).toEqual({ id, status: "queued" });
  });

  it("with a reset, the message was sent all the same", async () => {
    withFaults([sqs], [at("SQS", "SendMessageCommand", 1, { kind: "after", error: "reset" })]);

    await expect(sendMessage()).rejects.toMatchObject({ code: "ECONNRESET" });

    expect(await queueDepth()).toBe(1);
  });

  it("as a duplicate, sends the call twice: a conditional put then sees its own write", async () => {
    const id = newId();
    withFaults([documents], [at("DynamoDB", "PutItemCommand", 1, { kind: "duplicate" })]);

    await expect(putTask(id)).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    expect(await stored(id)).toEqual({ id, status: "queued" });
  });

  it("is not hidden by the SDK's own retries: it holds for every attempt of the call", async () => {
    const patient = new SQSClient({ maxAttempts: 2 });
    withFaults([patient], [at("SQS", "SendMessageCommand", 1, { kind: "after", error: "reset" })]);

    await expect(sendMessage(patient)).rejects.toMatchObject({
      code: "ECONNRESET",
      $metadata: { attempts: 2 },
    });

    // Each attempt was applied and lost its answer.
    expect(await queueDepth()).toBe(2);
    patient.destroy();
  });
});

describe("a crash", () => {
  it("before the call: it throws HandlerCrashed and never reaches the service", async () => {
    const id = newId();
    const session = withFaults({ documents, sqs }, [
      at("DynamoDB", "PutItemCommand", 1, { kind: "crash-before" }),
    ]);

    await expect(putTask(id)).rejects.toMatchObject({ name: "HandlerCrashed" });

    expect(await stored(id)).toBeUndefined();
    expect(session.crashed).toBe(true);
    expect(session.crashedAt).toEqual({ service: "DynamoDB", command: "PutItemCommand", nth: 1 });
  });

  it("after the call: the call was applied, and the handler is dead", async () => {
    const id = newId();
    const session = withFaults(
      [documents],
      [at("DynamoDB", "PutItemCommand", 1, { kind: "crash-after" })],
    );

    await expect(putTask(id)).rejects.toMatchObject({ name: "HandlerCrashed" });

    expect(await stored(id)).toEqual({ id, status: "queued" });
    expect(session.crashed).toBe(true);
  });

  it("kills every client of the session, so code that swallows the error makes no more calls", async () => {
    const session = withFaults({ documents, sqs, s3 }, [
      at("DynamoDB", "PutItemCommand", 1, { kind: "crash-after" }),
    ]);
    // Best-effort code, as a handler would write it: the crash does not stop it, the process does.
    await putTask(newId()).catch(() => undefined);

    await expect(sendMessage()).rejects.toMatchObject({ name: "HandlerCrashed" });
    await expect(putObject("inputs/after-crash.json")).rejects.toMatchObject({
      name: "HandlerCrashed",
    });
    await expect(putTask(newId())).rejects.toMatchObject({ name: "HandlerCrashed" });

    expect(await queueDepth()).toBe(0);
    expect(session.callsAfterCrash).toBe(3);
    expect(session.calls).toHaveLength(1);
  });

  it("also fails the calls that were on the wire when it happened", async () => {
    const [crashing, inFlight] = [newId(), newId()];
    withFaults([documents], [at("DynamoDB", "PutItemCommand", 1, { kind: "crash-before" })]);

    const results = await Promise.allSettled([putTask(crashing), putTask(inFlight)]);

    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).name)).toEqual([
      "HandlerCrashed",
      "HandlerCrashed",
    ]);
  });

  it("does not outlive its session: detached clients work again", async () => {
    const session = withFaults(
      [documents],
      [at("DynamoDB", "PutItemCommand", 1, { kind: "crash-before" })],
    );
    await putTask(newId()).catch(() => undefined);

    session.detach();
    const id = newId();
    await putTask(id);

    expect(await stored(id)).toBeDefined();
  });
});

describe("interleaving", () => {
  it("runs code between a call's send and its answer, or before it is sent", async () => {
    const id = newId();
    const seen: unknown[] = [];
    withFaults(
      [documents],
      [
        {
          service: "DynamoDB",
          command: "PutItemCommand",
          nth: 1,
          at: "before",
          run: async () => seen.push(await stored(id)),
        },
        {
          service: "DynamoDB",
          command: "PutItemCommand",
          nth: 1,
          at: "after",
          run: async () => seen.push(await stored(id)),
        },
      ],
    );

    await putTask(id);

    expect(seen).toEqual([undefined, { id, status: "queued" }]);
  });
});

describe("recordCalls and faultPoints", () => {
  it("list every boundary an operation crosses, and each fault kind at each", async () => {
    const object = await s3.send(
      new PutObjectCommand({ Bucket: aws.buckets.payloads, Key: "x", Body: "1" }),
    );
    expect(object.$metadata.httpStatusCode).toBe(200);
    const operation = async () => {
      await putTask(newId());
      await s3.send(new GetObjectCommand({ Bucket: aws.buckets.payloads, Key: "x" }));
      await sendMessage();
      return "done";
    };

    const recording = await recordCalls({ documents, s3, sqs }, operation);
    const points = faultPoints(recording);

    expect(recording.result).toEqual({ status: "fulfilled", value: "done" });
    expect(points.map(describeFault)).toEqual([
      "before DynamoDB.PutItemCommand#1",
      "after DynamoDB.PutItemCommand#1",
      "crash-before DynamoDB.PutItemCommand#1",
      "crash-after DynamoDB.PutItemCommand#1",
      "before S3.GetObjectCommand#1",
      "after S3.GetObjectCommand#1",
      "crash-before S3.GetObjectCommand#1",
      "crash-after S3.GetObjectCommand#1",
      "before SQS.SendMessageCommand#1",
      "after SQS.SendMessageCommand#1",
      "crash-before SQS.SendMessageCommand#1",
      "crash-after SQS.SendMessageCommand#1",
    ]);
  });

  it("a plan entry naming a call the operation never makes is reported as unused", async () => {
    const fault = at("SQS", "SendMessageCommand", 2, { kind: "before" });
    const session = withFaults([sqs], [fault]);

    await sendMessage();

    expect(session.unused()).toEqual([fault]);
  });
});
