import { executionName } from "@tasklane/shared-task";
import type { TaskRecords } from "@tasklane/task-store";
import {
  type AwsEmulators,
  receiveSqsEvent,
  sendMessages,
  taskEnvelope,
} from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  lambdaContext,
  recordFor,
  startConsumerEnvironment,
} from "./helpers/consumerEnvironment.js";

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

let aws: AwsEmulators;
let records: TaskRecords;
let startExecutions: Handler;
let createTask: Handler;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ aws, records } = await startConsumerEnvironment());
  // This file's module instances log at INFO to stdout (warnings and errors to stderr), where
  // the test reads the JSON lines.
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  startExecutions = (await import("../src/handlers/startExecutions.js")).handler as Handler;
  createTask = (await import("../src/handlers/createTask.js")).handler as Handler;
});
afterAll(() => aws.stop());
beforeEach(() => {
  lines = [];
  // Mocks are restored after each test (restoreMocks), so each test captures afresh.
  const capture = (chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{")) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});

const logged = (message: string) => lines.filter((l) => l.message === message);

describe("the consumer's logs", () => {
  it("use the task id as correlation id, and the submitting request's id as request_id", async () => {
    // Prepare
    const task = taskEnvelope("echo", {}, { correlationId: "req-1234" });
    await recordFor(records, task);
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: JSON.stringify(task) }]);
    const event = await receiveSqsEvent(aws.sqs, {
      queueUrl: aws.queueUrl,
      queueArn: aws.queueArn,
      region: aws.region,
    });

    // Act
    await startExecutions(event as never, lambdaContext());

    // Assess
    expect(aws.stepFunctions.executions().map((e) => e.name)).toEqual([executionName(task.id, 1)]);
    expect(logged("execution started")).toEqual([
      expect.objectContaining({ correlation_id: task.id, request_id: "req-1234", taskId: task.id }),
    ]);
  });

  it("keep each of two overlapping step invocations' keys on its own lines", async () => {
    // Prepare
    const [a, b] = [taskEnvelope("echo", { n: 1 }), taskEnvelope("echo", { n: 2 })];
    await Promise.all([recordFor(records, a), recordFor(records, b)]);

    // Act
    await Promise.all([
      createTask({ task: a, run: "run-a" } as never, lambdaContext()),
      createTask({ task: b, run: "run-b" } as never, lambdaContext()),
    ]);

    // Assess
    const keys = logged("step done").map((l) => `${l.correlation_id} ${l.taskId}`);
    expect(keys.sort()).toEqual([`${a.id} ${a.id}`, `${b.id} ${b.id}`].sort());
  });

  it("warn about a message whose task has no record, naming the task", async () => {
    // Prepare
    const orphan = taskEnvelope("echo", { n: 3 });
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: JSON.stringify(orphan) }]);
    const event = await receiveSqsEvent(aws.sqs, {
      queueUrl: aws.queueUrl,
      queueArn: aws.queueArn,
      region: aws.region,
    });

    // Act
    await startExecutions(event as never, lambdaContext());

    // Assess
    expect(logged("execution orphan")).toEqual([
      expect.objectContaining({ level: "WARN", taskId: orphan.id, generation: 1 }),
    ]);
  });
});
