import { executionName } from "@tasklane/shared-task";
import {
  type AwsEmulators,
  receiveSqsEvent,
  sendMessages,
  taskEnvelope,
} from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lambdaContext, startConsumerEnvironment } from "./helpers/consumerEnvironment.js";

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

let aws: AwsEmulators;
let startExecutions: Handler;
let createTask: Handler;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  aws = await startConsumerEnvironment();
  // This file's module instances log at INFO to stdout, where the test reads the JSON lines.
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  startExecutions = (await import("../src/handlers/startExecutions.js")).handler as Handler;
  createTask = (await import("../src/handlers/createTask.js")).handler as Handler;
});
afterAll(() => aws.stop());
beforeEach(() => {
  lines = [];
  // Mocks are restored after each test (restoreMocks), so each test captures afresh.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{")) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
});

const logged = (message: string) => lines.filter((l) => l.message === message);

describe("the consumer's logs", () => {
  it("use the task id as correlation id, and the submitting request's id as request_id", async () => {
    const task = taskEnvelope("echo", {}, { correlationId: "req-1234" });
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: JSON.stringify(task) }]);
    const event = await receiveSqsEvent(aws.sqs, {
      queueUrl: aws.queueUrl,
      queueArn: aws.queueArn,
      region: aws.region,
    });

    await startExecutions(event as never, lambdaContext());

    expect(aws.stepFunctions.executions().map((e) => e.name)).toEqual([executionName(task.id, 1)]);
    expect(logged("execution started")).toEqual([
      expect.objectContaining({ correlation_id: task.id, request_id: "req-1234", taskId: task.id }),
    ]);
  });

  it("keep each of two overlapping step invocations' keys on its own lines", async () => {
    const [a, b] = [taskEnvelope("echo", { n: 1 }), taskEnvelope("echo", { n: 2 })];

    await Promise.all([
      createTask({ task: a } as never, lambdaContext()),
      createTask({ task: b } as never, lambdaContext()),
    ]);

    const keys = logged("step done").map((l) => `${l.correlation_id} ${l.taskId}`);
    expect(keys.sort()).toEqual([`${a.id} ${a.id}`, `${b.id} ${b.id}`].sort());
  });
});
