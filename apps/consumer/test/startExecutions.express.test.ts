import { executionName, type TaskEnvelope, type TaskStatus } from "@tasklane/shared-task";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import {
  type JsonLine,
  metricsIn,
  receiveSqsEvent,
  sendMessages,
  taskEnvelope,
} from "@tasklane/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { expressTaskTypes } from "../src/startTaskExecution.js";
import {
  freshStart,
  lambdaContext,
  recordFor,
  WORKFLOW_BOUNDS,
} from "./helpers/consumerEnvironment.js";
import { consumerSuite } from "./helpers/consumerSuite.js";

// The consumer as `tasklane:workflow.express: auto` deploys it: with the Express state machine's
// ARN and the workflows' bounds in its environment.
const { aws, records, queue, startExecutions } = consumerSuite({ metrics: true, express: true }, [
  "startExecutions",
]);
const lines: JsonLine[] = [];
// The handler publishes its metrics as EMF lines on stdout.
beforeEach(() => freshStart(aws, lines));

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
  return startExecutions(event, lambdaContext("tasklane-start-executions"));
}

/** Delivers `task` alone, its record moved to `status` first. */
async function deliverAlone(task: TaskEnvelope, status: TaskStatus) {
  await recordFor(records, task, status);
  return deliver([task]);
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
    await deliverAlone(taskEnvelope("echo", { n: 3 }), "running");

    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ DuplicateDeliveries: 1 });
  });

  it("skips a cancelled Express task without StopExecution, which Express does not have", async () => {
    await deliverAlone(taskEnvelope("echo", { n: 4 }), "cancelled");

    expect(aws.stepFunctions.requests()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ CancelledSkipped: 1 });
  });

  it("still stops the Standard execution of a cancelled task that polls", async () => {
    const task = taskEnvelope("sleep", { seconds: 30 });

    await deliverAlone(task, "cancelled");

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
