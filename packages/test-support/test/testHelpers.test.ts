import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsEmulators,
  captureJsonLines,
  type JsonLine,
  jsonLinesOf,
  lazily,
  loadHandlers,
  metricsIn,
  receiveSqsEvent,
  sendMessages,
  settleSqsBatch,
  startAwsEmulators,
  startedOnce,
  startStandInApi,
  startStepFunctionsRecorder,
} from "../src/index.js";

describe("JSON lines", () => {
  it("keeps the JSON lines among the chunks, parsed, and leaves the rest", () => {
    const lines = jsonLinesOf(['{"level":"INFO"}\n', "plain text\n", Buffer.from(' {"a":1}')]);

    expect(lines).toEqual([{ level: "INFO" }, { a: 1 }]);
  });

  it("captures what is written to stdout until it is put back", () => {
    // Prepare
    const lines: JsonLine[] = [{ stale: true }];
    const write = process.stdout.write;
    const restore = captureJsonLines(lines);

    // Act
    process.stdout.write('{"message":"captured"}\n');
    restore();

    // Assess: the stale line was dropped, and stdout is the real one again.
    expect(lines).toEqual([{ message: "captured" }]);
    expect(process.stdout.write).toBe(write);
  });

  it("sums EMF metric values by name, arrays included", () => {
    const emf = (name: string, value: number | number[]) => ({
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: name }] }] },
      [name]: value,
    });

    const totals = metricsIn([emf("TasksAccepted", 2), emf("TasksAccepted", [1, 3]), { a: 1 }]);

    expect(totals).toEqual({ TasksAccepted: 6 });
  });
});

describe("once-per-file setup", () => {
  it("refuses a stand-in used before its beforeAll made the value, names it, then follows it", () => {
    let value: { count: number; bump(): number } | undefined;
    const standIn = lazily("the counter", () => value);

    expect(() => standIn.count).toThrow("the counter is used before the beforeAll that makes it");
    value = {
      count: 1,
      bump() {
        this.count += 1;
        return this.count;
      },
    };
    expect(standIn.bump()).toBe(2);
    expect(standIn.count).toBe(2);
  });

  it("starts once in beforeAll and stops what it started in afterAll", async () => {
    // Prepare: hooks that record what was registered, run by hand.
    const hooks: { before?: () => Promise<void>; after?: () => Promise<void> } = {};
    const stopped: string[] = [];
    const started = startedOnce(
      { beforeAll: (fn) => (hooks.before = fn), afterAll: (fn) => (hooks.after = fn) },
      async () => ({ server: { name: "api" } }),
      async (s) => stopped.push(s.server.name),
    );

    // Act
    await hooks.before?.();
    const name = started.server.name;
    await hooks.after?.();

    // Assess
    expect(name).toBe("api");
    expect(stopped).toEqual(["api"]);
  });

  it("loads the handler modules named, in order, and only those", async () => {
    const loaded: string[] = [];
    const module = (name: string) => async () => {
      loaded.push(name);
      return { handler: () => name };
    };

    const handlers = await loadHandlers({ a: module("a"), b: module("b"), c: module("c") }, [
      "b",
      "a",
    ]);

    expect(loaded).toEqual(["b", "a"]);
    expect((handlers.a as () => string)()).toBe("a");
    expect(Object.keys(handlers).sort()).toEqual(["a", "b"]);
  });
});

describe("the stand-in API", () => {
  it("records each request and answers as told, whatever host the request named", async () => {
    const api = await startStandInApi((request) => ({
      status: 201,
      body: { echoed: request.body },
      headers: { "x-seen": request.url },
    }));
    try {
      const response = await api.fetch(
        "https://abc.execute-api.us-east-1.amazonaws.com/tasks?x=1",
        {
          method: "POST",
          body: "hello",
        },
      );

      expect(response.status).toBe(201);
      expect(response.headers.get("x-seen")).toBe("/tasks?x=1");
      expect(await response.json()).toEqual({ echoed: "hello" });
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.method).toBe("POST");
      expect(api.requests[0]?.headers["x-original-host"]).toBe(
        "abc.execute-api.us-east-1.amazonaws.com",
      );
    } finally {
      await api.close();
    }
  });
});

describe("over the emulators", () => {
  let aws: AwsEmulators;
  beforeAll(async () => {
    aws = await startAwsEmulators();
  });
  afterAll(() => aws.stop());

  it("delivers SQS messages as Lambda's records and deletes what the batch response settles", async () => {
    // Prepare
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: "one" }, { body: "two" }]);
    const event = await receiveSqsEvent(aws.sqs, aws, 10);
    const failed = event.Records.find((r) => r.body === "two");

    // Act: "two" failed, so only "one" is deleted.
    const deleted = await settleSqsBatch(aws.sqs, aws.queueUrl, event, {
      batchItemFailures: [{ itemIdentifier: failed?.messageId ?? "" }],
    });

    // Assess
    expect(event.Records.map((r) => r.body).sort()).toEqual(["one", "two"]);
    expect(event.Records[0]?.eventSourceARN).toBe(aws.queueArn);
    expect(deleted).toEqual(event.Records.filter((r) => r.body === "one").map((r) => r.messageId));
  });

  it("records the starts a Step Functions client makes, and answers a repeated name as AWS does", async () => {
    const recorder = await startStepFunctionsRecorder();
    try {
      const sfn = new SFNClient({ endpoint: recorder.url });
      const start = (stateMachineArn: string, input: string) =>
        sfn.send(new StartExecutionCommand({ stateMachineArn, name: "task-1", input }));

      // Act: on Standard, the same start again, then the name with another input; on Express,
      // the name twice.
      const first = await start(recorder.stateMachineArn, '{"run":"a"}');
      const same = await start(recorder.stateMachineArn, '{"run":"a"}');
      const other = await start(recorder.stateMachineArn, '{"run":"b"}').catch((e: Error) => e);
      await start(recorder.expressStateMachineArn, '{"run":"a"}');
      await start(recorder.expressStateMachineArn, '{"run":"a"}');

      // Assess
      expect(same.executionArn).toBe(first.executionArn);
      expect((other as Error).name).toBe("ExecutionAlreadyExists");
      expect(recorder.startCalls().map((c) => c.answer)).toEqual([
        "started",
        "same-running-execution",
        "ExecutionAlreadyExists",
        "started",
        "started",
      ]);
      expect(recorder.executions().map((e) => [e.type, e.name, e.status])).toEqual([
        ["STANDARD", "task-1", "RUNNING"],
        ["EXPRESS", "task-1", "RUNNING"],
        ["EXPRESS", "task-1", "RUNNING"],
      ]);
    } finally {
      await recorder.stop();
    }
  });
});
