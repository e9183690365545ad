import { executionName, type TaskEnvelope } from "@tasklane/shared-task";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import type { TaskRecords } from "@tasklane/task-store";
import {
  type AwsEmulators,
  type EventSourceQueue,
  receiveSqsEvent,
  sendMessages,
  taskEnvelope,
} from "@tasklane/test-support";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expressTaskTypes } from "../src/startTaskExecution.js";
import {
  lambdaContext,
  metricsIn,
  recordFor,
  startConsumerEnvironment,
  WORKFLOW_BOUNDS,
} from "./helpers/consumerEnvironment.js";

type SqsHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

// The consumer as `tasklane:workflow.express: auto` deploys it: with the Express state machine's
// ARN and the workflows' bounds in its environment.
let aws: AwsEmulators;
let records: TaskRecords;
let handler: SqsHandler;
let queue: EventSourceQueue;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ aws, records } = await startConsumerEnvironment({ metrics: true, express: true }));
  handler = (await import("../src/handlers/startExecutions.js")).handler;
  queue = { queueUrl: aws.queueUrl, queueArn: aws.queueArn, region: aws.region };
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.fauxqs.reset();
  aws.stepFunctions.reset();
  lines = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{")) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
});

async function queuedTask(type: string, input: object) {
  const task = taskEnvelope(type, input as never);
  await recordFor(records, task);
  return task;
}

/** Sends the envelopes as one batch and invokes the handler with it. */
async function deliver(tasks: TaskEnvelope[]) {
  await sendMessages(
    aws.sqs,
    queue.queueUrl,
    tasks.map((task) => ({ body: JSON.stringify(task), groupId: task.id })),
  );
  const event = await receiveSqsEvent(aws.sqs, queue, 10);
  expect(event.Records).toHaveLength(tasks.length);
  return handler(event, lambdaContext("tasklane-start-executions"));
}

const express = () => aws.stepFunctions.expressStateMachineArn;
const standard = () => aws.stepFunctions.stateMachineArn;

describe("the SQS handler with an Express workflow", () => {
  it.each([
    ["echo", { n: 1 }],
    ["word-count", { text: "a b" }],
    ["flaky", { failures: 1 }],
    ["fail", {}],
  ])("starts %s on the Express state machine, under its generation's name", async (type, input) => {
    // Prepare
    const task = await queuedTask(type, input);

    // Act
    const response = await deliver([task]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const [execution, ...others] = aws.stepFunctions.executions();
    expect(others).toEqual([]);
    expect(execution).toMatchObject({
      stateMachineArn: express(),
      type: "EXPRESS",
      name: executionName(task.id, 1),
    });
    expect(execution?.executionArn).toMatch(
      new RegExp(`:express:tasklane-test-express:${executionName(task.id, 1)}:[0-9a-f-]{36}$`),
    );
    expect(metricsIn(lines)).toEqual({ TasksStarted: 1 });
  });

  it("starts sleep, which polls, on the Standard state machine", async () => {
    const task = await queuedTask("sleep", { seconds: 30 });

    await deliver([task]);

    expect(aws.stepFunctions.executions()).toEqual([
      expect.objectContaining({ stateMachineArn: standard(), type: "STANDARD" }),
    ]);
  });

  it("starts a second Express execution for a duplicate that arrives before the first claims the task: both count as started", async () => {
    // Prepare: two deliveries of one message, both reading the record while it is queued.
    const task = await queuedTask("echo", { n: 2 });

    // Act
    const response = await deliver([task, task]);

    // Assess: Express dedupes no name, so nothing refuses the second start. Its CreateTask finds
    // the claim taken and runs nothing (the local runtime's tests run both to their end).
    expect(response).toEqual({ batchItemFailures: [] });
    const executions = aws.stepFunctions.executions();
    expect(executions.map((e) => e.name)).toEqual([
      executionName(task.id, 1),
      executionName(task.id, 1),
    ]);
    expect(new Set(executions.map((e) => e.executionArn)).size).toBe(2);
    expect(new Set(executions.map((e) => JSON.parse(e.input).run)).size).toBe(2);
    expect(aws.stepFunctions.startCalls().map((c) => c.answer)).toEqual(["started", "started"]);
    expect(metricsIn(lines)).toEqual({ TasksStarted: 2 });
  });

  it("starts nothing for a delivery after an execution claimed the task", async () => {
    const task = taskEnvelope("echo", { n: 3 });
    await recordFor(records, task, "running");

    await deliver([task]);

    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ DuplicateDeliveries: 1 });
  });

  it("skips a cancelled Express task without StopExecution, which Express does not have", async () => {
    const task = taskEnvelope("echo", { n: 4 });
    await recordFor(records, task, "cancelled");

    await deliver([task]);

    expect(aws.stepFunctions.requests()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ CancelledSkipped: 1 });
  });

  it("still stops the Standard execution of a cancelled task that polls", async () => {
    const task = taskEnvelope("sleep", { seconds: 30 });
    await recordFor(records, task, "cancelled");

    await deliver([task]);

    expect(aws.stepFunctions.requests()).toEqual([
      {
        action: "StopExecution",
        arn: `${standard().replace(":stateMachine:", ":execution:")}:${executionName(task.id, 1)}`,
      },
    ]);
  });
});

describe("expressTaskTypes", () => {
  it("is every example task but sleep, with the dev stack's bounds", () => {
    expect([...expressTaskTypes(exampleTasks, WORKFLOW_BOUNDS)].sort()).toEqual([
      "echo",
      "fail",
      "flaky",
      "word-count",
    ]);
  });
});
