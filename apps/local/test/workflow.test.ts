import { randomUUID } from "node:crypto";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  buildWorkflow,
  executionName,
  type JsonValue,
  STATE_NAMES,
  TaskRegistry,
} from "@tasklane/shared-task";
import { createTaskSteps } from "@tasklane/shared-task/steps";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import { S3BlobStore } from "@tasklane/task-store/s3";
import {
  type AwsEmulators,
  startAwsEmulators,
  taskEnvelope,
  waitFor,
  workflowStateHandlers,
} from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExecutionTransition, lambdaTaskHandler } from "../src/index.js";
import { testFunction } from "./helpers/localFunctions.js";
import { type ServedStateMachines, serveStateMachines } from "./helpers/servedStateMachine.js";
import { stackConfig } from "./helpers/stackConfigs.js";

const MACHINE_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-test-workflow";
const arn = (name: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:tasklane-test-${name}`;

/**
 * The workflow the Pulumi program deploys, served by the local endpoint, with its Task states
 * bound to the real step cores over the tasks table (dynalite) and S3 (fauxqs) through Lambda's
 * invocation semantics, and the dev stack's own retry settings (Pulumi.dev.yaml): no pause is
 * shortened here.
 */
describe("the Tasklane workflow on the local Step Functions endpoint", () => {
  let aws: AwsEmulators;
  let records: TaskRecords;
  let served: ServedStateMachines;
  const transitions: ExecutionTransition[] = [];

  beforeAll(async () => {
    aws = await startAwsEmulators();
    records = new TaskRecords(tableClient(aws.dynamodb), { tableName: aws.tableName });
    const steps = workflowStateHandlers(
      createTaskSteps({
        tasks: new TaskRegistry(exampleTasks),
        records,
        store: new S3BlobStore(aws.s3),
        buckets: aws.buckets,
      }),
    );
    const definition = buildWorkflow({
      functions: {
        createTask: arn("create-task"),
        checkTaskStatus: arn("check-task-status"),
        taskCompleted: arn("task-completed"),
        markFailed: arn("mark-failed"),
      },
      taskRetry: stackConfig("dev").workflow.taskRetry,
    });
    served = await serveStateMachines({
      stateMachineArn: MACHINE_ARN,
      definition,
      taskHandlers: Object.fromEntries(
        Object.entries(steps).map(([state, core]) => [
          state,
          lambdaTaskHandler(testFunction((event) => core(event), { timeoutSeconds: 60 })),
        ]),
      ),
      onTransition: (t) => transitions.push(t),
    });
  });

  afterAll(async () => {
    await served.stop();
    await aws.stop();
  });

  async function run(type: string, input: JsonValue) {
    const task = taskEnvelope(type, input);
    await records.create({ ...task, owner: "test" });
    const started = await served.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE_ARN,
        name: executionName(task.id, task.generation),
        input: JSON.stringify({ task, run: randomUUID() }),
      }),
    );
    const executionArn = started.executionArn as string;
    const ended = await waitFor(
      async () => {
        const out = await served.sfn.send(new DescribeExecutionCommand({ executionArn }));
        return out.status === "RUNNING" ? undefined : out;
      },
      { timeoutMs: 15_000, what: `${type} to end` },
    );
    const ofRun = transitions.filter((t) => t.executionArn === executionArn);
    const entered = ofRun.filter((t) => t.type === "StateEntered").map((t) => t.state?.name);
    const retried = ofRun
      .filter((t) => t.type === "StateRetried")
      .map((t) => ({ state: t.state?.name, retryAttempt: t.retryAttempt }));
    return { task, ended, entered, retried };
  }

  it("runs `echo` to SUCCEEDED and records its output in the task's record", async () => {
    // Act
    const { task, ended, entered } = await run("echo", { hello: "world" });

    // Assess
    expect(ended.status).toBe("SUCCEEDED");
    expect(JSON.parse(ended.output as string)).toMatchObject({
      id: task.id,
      status: "succeeded",
      attempts: 1,
    });
    expect(entered).toEqual([
      STATE_NAMES.createTask,
      STATE_NAMES.isTaskDone,
      STATE_NAMES.taskCompleted,
      STATE_NAMES.succeeded,
    ]);
    expect(await records.get(task.id)).toMatchObject({
      status: "succeeded",
      attempts: 1,
      output: { kind: "inline", value: { hello: "world" } },
    });
  });

  it("retries `flaky` by the stack's retrier until it succeeds on attempt 2", async () => {
    // Act
    const { ended, entered, retried } = await run("flaky", { failures: 1 });

    // Assess
    expect(ended.status).toBe("SUCCEEDED");
    expect(JSON.parse(ended.output as string)).toMatchObject({ attempts: 2 });
    expect(entered.slice(0, 2)).toEqual([STATE_NAMES.createTask, STATE_NAMES.isTaskDone]);
    expect(retried).toEqual([{ state: STATE_NAMES.createTask, retryAttempt: 1 }]);
  });

  it("polls `sleep` through the Wait state until it is done", async () => {
    // Act
    const { ended, entered } = await run("sleep", { seconds: 1 });

    // Assess
    expect(ended.status).toBe("SUCCEEDED");
    expect(entered).toContain(STATE_NAMES.waitForTaskCompletion);
    expect(entered).toContain(STATE_NAMES.checkTaskStatus);
  });

  it("fails `fail` without a retry, records the failure and ends FAILED with the task's error", async () => {
    // Act
    const { task, ended, entered } = await run("fail", { reason: "on purpose" });

    // Assess
    expect(ended).toMatchObject({ status: "FAILED", error: "TaskPermanentError" });
    expect(ended.cause).toContain("on purpose");
    expect(entered).toEqual([STATE_NAMES.createTask, STATE_NAMES.markFailed, STATE_NAMES.failed]);
    const failure = await records.get(task.id);
    // MarkFailed read the message out of the Lambda error report Step Functions passed it.
    expect(failure).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { name: "TaskPermanentError", message: expect.stringContaining("on purpose") },
    });
    expect(failure?.error?.message).not.toContain("errorType");
  });
});
