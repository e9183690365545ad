import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { idempotentTaskId, parseEnvelope } from "@tasklane/shared-task";
import { captureJsonLines, type JsonLine, metricsIn } from "@tasklane/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { apiEvent, CALLER, call, taskEvent } from "./helpers/apiEvents.js";
import { drainQueue, keysIn, queueDepth, receiveAll } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, ingest, status } = producerSuite(
  { maxBodyBytes: 200_000, inlineInputMaxBytes: 1_024, metrics: true },
  ["ingest", "status"],
);
const lines: JsonLine[] = [];
let storedBefore = new Set<string>();

beforeEach(async () => {
  aws.fauxqs.reset();
  aws.stepFunctions.reset();
  storedBefore = new Set(await allTaskIds());
  // The handlers publish metrics as EMF lines on stdout.
  return captureJsonLines(lines);
});

const submit = (body: unknown, headers: Record<string, string> = {}, callerArn?: string) =>
  call(
    ingest,
    apiEvent({
      routeKey: "POST /tasks",
      path: "/tasks",
      body,
      headers,
      ...(callerArn ? { callerArn } : {}),
    }),
  );

/** The ids of every task of `CALLER`, through the owner's listing index. */
async function allTaskIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.list(
      { caller: CALLER, operator: false },
      { since: new Date(Date.now() - 3_600_000), limit: 100, ...(cursor ? { cursor } : {}) },
    );
    ids.push(...page.tasks.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** The ids of the tasks of `CALLER` stored since the test began. */
async function storedTaskIds(): Promise<string[]> {
  return (await allTaskIds()).filter((id) => !storedBefore.has(id));
}

async function readObject(bucket: string, key: string): Promise<unknown> {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? "null");
}

describe("POST /tasks", () => {
  it("accepts a valid task: 202, Location, a task record and one envelope in SQS", async () => {
    const response = await submit({ type: "word-count", input: { text: "a b c" } });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.any(String), type: "word-count", status: "queued" });
    expect(response.headers.location).toBe(`/tasks/${response.body.id}`);
    expect(await records.get(response.body.id)).toMatchObject({
      type: "word-count",
      status: "queued",
      generation: 1,
      owner: CALLER,
      input: { kind: "inline", value: { text: "a b c" } },
      sentAt: expect.any(String),
    });
    expect(metricsIn(lines)).toEqual({ TasksAccepted: 1 });
    const [message, ...others] = await receiveAll(aws);
    expect(others).toHaveLength(0);
    const envelope = parseEnvelope(message?.body);
    expect(envelope).toMatchObject({
      id: response.body.id,
      type: "word-count",
      generation: 1,
      input: { kind: "inline", value: { text: "a b c" } },
    });
  });

  it("keeps a large input in the payloads bucket and sends a reference", async () => {
    const text = "x".repeat(5_000);

    const response = await submit({ type: "word-count", input: { text } });

    expect(response.status).toBe(202);
    const [message] = await receiveAll(aws);
    const envelope = parseEnvelope(message?.body);
    const key = `inputs/${response.body.id}/${envelope.fingerprint}.json`;
    expect(envelope.input).toEqual({
      kind: "s3",
      bucket: aws.buckets.payloads,
      key,
      bytes: expect.any(Number),
    });
    expect(await readObject(aws.buckets.payloads, key)).toEqual({ text });
  });

  interface BadRequestCase {
    case: string;
    request: { body?: unknown; rawBody?: string; headers?: Record<string, string> };
    status: number;
    says?: string;
    path?: string;
  }

  describe.each<BadRequestCase>([
    {
      case: "malformed JSON",
      request: { rawBody: '{"type": "echo", "input": ' },
      status: 400,
      says: "the body is not valid JSON",
    },
    {
      case: "an empty body",
      request: { rawBody: "" },
      status: 400,
      says: "the request body is empty",
    },
    {
      case: "a body that is not JSON",
      request: {
        rawBody: "type=echo",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      status: 415,
      says: "Content-Type: application/json",
    },
    {
      case: "no content type",
      request: { rawBody: "{}", headers: { "content-type": "" } },
      status: 415,
      says: "got no Content-Type",
    },
    {
      case: "a body over the configured limit",
      request: { body: { type: "echo", input: { blob: "x".repeat(250_000) } } },
      status: 413,
      says: "the limit is 200000 bytes",
    },
    {
      case: "an unknown task type",
      request: { body: { type: "resize-image", input: {} } },
      status: 422,
      says: 'unknown task type "resize-image"',
      path: "type",
    },
    {
      case: "a missing type",
      request: { body: { input: {} } },
      status: 422,
      path: "type",
    },
    {
      case: "an input that breaks the task's schema",
      request: { body: { type: "word-count", input: { text: 42 } } },
      status: 422,
      path: "input.text",
    },
    {
      case: "a missing input",
      request: { body: { type: "echo" } },
      status: 422,
      says: 'is missing: task type "echo" needs an input',
      path: "input",
    },
    {
      case: "a misspelled field",
      request: { body: { type: "echo", inputs: {} } },
      status: 422,
      says: "inputs",
    },
    {
      case: "an invalid Idempotency-Key",
      request: {
        body: { type: "echo", input: {} },
        headers: { "idempotency-key": "has spaces in it" },
      },
      status: 400,
      says: "Idempotency-Key may hold only visible ASCII",
    },
  ])("refuses $case", ({ request, status, says, path }) => {
    it(`with ${status} application/problem+json naming the problem, and writes nothing`, async () => {
      const response = await call(
        ingest,
        apiEvent({ routeKey: "POST /tasks", path: "/tasks", ...request }),
      );

      expect(response.status).toBe(status);
      expect(response.contentType).toBe("application/problem+json");
      expect(response.body).toMatchObject({
        status,
        type: expect.stringContaining("tag:tasklane.dev"),
      });
      const text = [
        response.body.detail,
        ...(response.body.errors ?? []).map((e: { message: string }) => e.message),
      ];
      if (says) expect(text.join(" ")).toContain(says);
      if (path)
        expect(response.body.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ path })]),
        );
      expect(await queueDepth(aws)).toBe(0);
      expect(await storedTaskIds()).toEqual([]);
      expect(await keysIn(aws, aws.buckets.payloads)).toEqual([]);
    });
  });
});

describe("Idempotency-Key", () => {
  it("gives the same id for the same key and body, and sends nothing the second time", async () => {
    const first = await submit(
      { type: "echo", input: { n: 1 } },
      { "idempotency-key": "order-42" },
    );
    const second = await submit(
      { input: { n: 1 }, type: "echo" },
      { "idempotency-key": "order-42" },
    );

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(await queueDepth(aws)).toBe(1);
    expect(metricsIn(lines)).toEqual({ TasksAccepted: 1 });
  });

  it("answers 409 when the key was used with a different body, and sends nothing", async () => {
    const first = await submit(
      { type: "echo", input: { n: 1 } },
      { "idempotency-key": "order-43" },
    );

    const second = await submit(
      { type: "echo", input: { n: 2 } },
      { "idempotency-key": "order-43" },
    );

    expect(second.status).toBe(409);
    expect(second.contentType).toBe("application/problem+json");
    expect(second.body).toMatchObject({
      taskId: first.body.id,
      detail: expect.stringContaining("order-43"),
    });
    expect(await queueDepth(aws)).toBe(1);
  });

  it("of 10 concurrent requests with one key and different bodies, accepts one and answers 409 to nine", async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        submit({ type: "echo", input: { n } }, { "idempotency-key": "race-10" }),
      ),
    );

    // Assess
    expect(responses.map((r) => r.status).sort()).toEqual([202, ...Array(9).fill(409)]);
    const winner = responses.find((r) => r.status === 202);
    const id = idempotentTaskId("race-10", CALLER);
    expect(winner?.body.id).toBe(id);
    for (const loser of responses.filter((r) => r.status === 409)) {
      expect(loser.contentType).toBe("application/problem+json");
      expect(loser.body).toMatchObject({ taskId: id, detail: expect.stringContaining("race-10") });
    }
    const messages = await drainQueue(aws);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body.input).toEqual((await records.get(id))?.input);
  });

  it("of 20 concurrent requests with one key and the same body, gives every one the same id", async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        submit({ type: "echo", input: { same: true } }, { "idempotency-key": "race-20" }),
      ),
    );

    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(responses.map((r) => r.body.id))).toEqual(
      new Set([idempotentTaskId("race-20", CALLER)]),
    );
    expect(responses.filter((r) => r.headers["idempotent-replayed"] !== "true")).toHaveLength(1);
    // A replay that finds the record not yet sent sends it too; each message is that one task.
    const messages = await drainQueue(aws);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(new Set(messages.map((m) => `${m.body.id} g${m.body.generation}`))).toEqual(
      new Set([`${idempotentTaskId("race-20", CALLER)} g1`]),
    );
    expect(metricsIn(lines).TasksAccepted).toBe(1);
  });

  it("keeps keys of different callers apart", async () => {
    const body = { type: "echo", input: {} };
    const alice = await submit(body, { "idempotency-key": "k" });
    const bob = await submit(
      body,
      { "idempotency-key": "k" },
      "arn:aws:iam::123456789012:user/bob",
    );

    expect(bob.body.id).not.toBe(alice.body.id);
    expect(await queueDepth(aws)).toBe(2);
  });
});

describe("POST /tasks/batch", () => {
  const batch = (tasks: unknown) =>
    call(
      ingest,
      apiEvent({ routeKey: "POST /tasks/batch", path: "/tasks/batch", body: { tasks } }),
    );

  it("accepts the valid items, rejects the others with their own errors, in order", async () => {
    const response = await batch([
      { type: "echo", input: { i: 0 } },
      { type: "nope", input: {} },
      { type: "word-count", input: { text: "hi" } },
      { type: "word-count", input: {} },
      { type: "echo", input: { i: 4 }, idempotencyKey: "batch-item-4" },
    ]);

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 3, rejected: 2 });
    expect(response.body.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(response.body.results[1].error).toMatchObject({
      status: 422,
      errors: [{ path: "type" }],
    });
    expect(response.body.results[3].error).toMatchObject({
      status: 422,
      errors: [{ path: "input.text" }],
    });
    expect(await queueDepth(aws)).toBe(3);
  });

  it.each([
    ["no tasks", [], "tasks"],
    [
      "more than 100 tasks",
      Array.from({ length: 101 }, () => ({ type: "echo", input: {} })),
      "tasks",
    ],
    ["tasks that is not a list", { type: "echo" }, "tasks"],
  ])("refuses %s with 422, sending nothing", async (_case, tasks, path) => {
    const response = await batch(tasks);

    expect(response.status).toBe(422);
    expect(response.body.errors[0].path).toBe(path);
    expect(await queueDepth(aws)).toBe(0);
  });

  it("answers a 422 problem document with each item's problem when every item is invalid", async () => {
    const response = await batch([{ type: "nope" }, { type: "echo", input: {}, extra: 1 }]);

    expect(response.status).toBe(422);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.body).toMatchObject({
      type: "tag:tasklane.dev,2026:problem/batch-rejected",
      title: expect.any(String),
      status: 422,
      detail: expect.stringContaining("none of the 2 tasks was accepted"),
      accepted: 0,
      rejected: 2,
      results: [
        { index: 0, error: { status: 422, errors: [{ path: "type" }] } },
        { index: 1, error: { status: 422, detail: expect.stringContaining("extra") } },
      ],
    });
    expect(await queueDepth(aws)).toBe(0);
    expect(await storedTaskIds()).toEqual([]);
  });

  it("answers 409 when every item reuses a key with another body", async () => {
    await batch([{ type: "echo", input: { n: 1 }, idempotencyKey: "batch-409" }]);

    const response = await batch([{ type: "echo", input: { n: 2 }, idempotencyKey: "batch-409" }]);

    expect(response.status).toBe(409);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.body).toMatchObject({
      type: "tag:tasklane.dev,2026:problem/batch-rejected",
      accepted: 0,
      rejected: 1,
      results: [{ index: 0, error: { status: 409, detail: expect.stringContaining("batch-409") } }],
    });
  });
});

describe("when SQS refuses an entry of SendMessageBatch", () => {
  // The smallest message size SQS allows; an inline input just under the producer's inline limit
  // (1,024 bytes here) makes an envelope over it, which SQS refuses in that entry alone.
  const SMALL_QUEUE_LIMIT = 1_024;
  const tooLargeForTheQueue = { type: "word-count", input: { text: "x".repeat(900) } };

  async function withMaximumMessageSize<T>(bytes: number, run: () => Promise<T>): Promise<T> {
    const before = await aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.queueUrl,
        AttributeNames: ["MaximumMessageSize"],
      }),
    );
    const restore = before.Attributes?.MaximumMessageSize ?? "262144";
    const set = (value: string) =>
      aws.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: aws.queueUrl,
          Attributes: { MaximumMessageSize: value },
        }),
      );
    await set(String(bytes));
    try {
      return await run();
    } finally {
      await set(restore);
    }
  }

  const getTask = (id: string) => call(status, taskEvent("GET /tasks/{id}", id));
  const listTasks = () =>
    call(status, apiEvent({ routeKey: "GET /tasks", path: "/tasks", query: { limit: "100" } }));

  it("accepts the other items and answers that one 503, rolling its record back", async () => {
    const response = await withMaximumMessageSize(SMALL_QUEUE_LIMIT, () =>
      call(
        ingest,
        apiEvent({
          routeKey: "POST /tasks/batch",
          path: "/tasks/batch",
          body: {
            tasks: [
              { type: "echo", input: { n: 0 } },
              tooLargeForTheQueue,
              { type: "echo", input: { n: 2 } },
            ],
          },
        }),
      ),
    );

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(response.body.results[1]).toEqual({
      index: 1,
      error: expect.objectContaining({
        status: 503,
        detail: expect.stringContaining("SQS refused the message: InvalidParameterValue"),
      }),
    });
    expect(await queueDepth(aws)).toBe(2);
    const acceptedIds = [0, 2].map((i) => response.body.results[i].id as string);
    expect((await storedTaskIds()).sort()).toEqual(acceptedIds.sort());
    expect(metricsIn(lines)).toMatchObject({
      TasksAccepted: 2,
      TasksRejected: 1,
      SubmissionsRolledBack: 1,
    });
  });

  it("answers 503 with Retry-After to a single task SQS refused, and deletes its record", async () => {
    // Act
    const response = await withMaximumMessageSize(SMALL_QUEUE_LIMIT, () =>
      submit(tooLargeForTheQueue),
    );

    // Assess
    expect(response.status).toBe(503);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.headers["retry-after"]).toBe("1");
    expect(response.body.detail).toContain("SQS refused the message");
    expect(await storedTaskIds()).toEqual([]);
    expect(await queueDepth(aws)).toBe(0);
    expect(metricsIn(lines)).toEqual({ SubmissionsRolledBack: 1 });
  });

  it("keeps a refused keyed task out of GET and GET /tasks until a replay of its key sends it", async () => {
    const headers = { "idempotency-key": "refused-once" };
    const id = idempotentTaskId("refused-once", CALLER);

    const refused = await withMaximumMessageSize(SMALL_QUEUE_LIMIT, () =>
      submit(tooLargeForTheQueue, headers),
    );

    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect((await getTask(id)).status).toBe(404);
    expect((await listTasks()).body.tasks.map((t: { id: string }) => t.id)).not.toContain(id);

    const replayed = await submit(tooLargeForTheQueue, headers);

    expect(replayed.status).toBe(202);
    expect(replayed.body.id).toBe(id);
    expect((await getTask(id)).body).toMatchObject({ id, status: "queued" });
    expect((await listTasks()).body.tasks.map((t: { id: string }) => t.id)).toContain(id);
    expect(await queueDepth(aws)).toBe(1);
  });
});
