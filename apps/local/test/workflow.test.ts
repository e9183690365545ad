import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  buildWorkflow,
  executionName,
  type JsonValue,
  STATE_NAMES,
  TaskRegistry,
} from "@tasklane/shared-task";
import { createTaskSteps } from "@tasklane/shared-task/steps";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import { S3BlobStore, TaskRecords, tableClient } from "@tasklane/task-store";
import {
  createTaskTable,
  type Dynalite,
  startDynalite,
  taskEnvelope,
  waitFor,
  workflowStateHandlers,
} from "@tasklane/test-support";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExecutionTransition,
  LocalStepFunctions,
  lambdaTaskHandler,
  type StepFunctionsEndpoint,
  startStepFunctionsEndpoint,
} from "../src/index.js";
import { s3Client, sfnClient } from "./helpers/awsClients.js";
import { testFunction } from "./helpers/localFunctions.js";

const BUCKETS = { payloads: "tasklane-test-payloads", results: "tasklane-test-results" };
const MACHINE_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-test-workflow";
const arn = (name: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:tasklane-test-${name}`;

/**
 * The workflow the Pulumi program deploys, served by the local endpoint, with its Task states
 * bound to the real step cores over the tasks table (dynalite) and S3 (fauxqs) through Lambda's
 * invocation semantics, and the stack's own retry settings: no pause is shortened here.
 */
describe("the Tasklane workflow on the local Step Functions endpoint", () => {
  let fauxqs: FauxqsServer;
  let dynalite: Dynalite;
  let dynamodb: DynamoDBClient;
  let records: TaskRecords;
  let s3: S3Client;
  let sfn: SFNClient;
  let endpoint: StepFunctionsEndpoint;
  const transitions: ExecutionTransition[] = [];

  beforeAll(async () => {
    fauxqs = await startFauxqs({ port: 0, logger: false });
    fauxqs.createBucket(BUCKETS.payloads);
    fauxqs.createBucket(BUCKETS.results);
    s3 = s3Client(fauxqs.port);
    dynalite = await startDynalite();
    dynamodb = new DynamoDBClient({
      region: "us-east-1",
      endpoint: dynalite.url,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await createTaskTable(dynamodb, "tasklane-test-tasks");
    records = new TaskRecords(tableClient(dynamodb), { tableName: "tasklane-test-tasks" });
    const steps = workflowStateHandlers(
      createTaskSteps({
        tasks: new TaskRegistry(exampleTasks),
        records,
        store: new S3BlobStore(s3),
        buckets: BUCKETS,
      }),
    );
    const definition = buildWorkflow({
      functions: {
        createTask: arn("create-task"),
        checkTaskStatus: arn("check-task-status"),
        taskCompleted: arn("task-completed"),
        markFailed: arn("mark-failed"),
      },
      taskRetry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10 },
    });
    const stepFunctions = new LocalStepFunctions({
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
    endpoint = await startStepFunctionsEndpoint(stepFunctions);
    sfn = sfnClient(endpoint.url);
  });

  afterAll(async () => {
    sfn.destroy();
    s3.destroy();
    dynamodb.destroy();
    await endpoint.stepFunctions.stop();
    await endpoint.stop();
    await fauxqs.stop();
    await dynalite.stop();
  });

  async function run(type: string, input: JsonValue) {
    const task = taskEnvelope(type, input);
    await records.create({ ...task, owner: "test" });
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE_ARN,
        name: executionName(task.id, task.generation),
        input: JSON.stringify({ task, run: randomUUID() }),
      }),
    );
    const executionArn = started.executionArn as string;
    const ended = await waitFor(
      async () => {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return out.status === "RUNNING" ? undefined : out;
      },
      { timeoutMs: 15_000, what: `${type} to end` },
    );
    const entered = transitions
      .filter((t) => t.executionArn === executionArn && t.type === "StateEntered")
      .map((t) => t.state?.name);
    return { task, ended, entered };
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

  it("retries `flaky` with the configured backoff until it succeeds on attempt 2", async () => {
    // Act
    const { ended, entered } = await run("flaky", { failures: 1 });

    // Assess
    expect(ended.status).toBe("SUCCEEDED");
    expect(JSON.parse(ended.output as string)).toMatchObject({ attempts: 2 });
    expect(entered.slice(0, 2)).toEqual([STATE_NAMES.createTask, STATE_NAMES.isTaskDone]);
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
