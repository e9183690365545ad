import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { executionName, type TaskEnvelope } from "@tasklane/shared-task";
import { readStackConfigFile } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import { taskEnvelope, waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../src/index.js";
import { pipelineProbe } from "./helpers/pipeline.js";

// Both workflows through the built bundles and Pulumi.dev.yaml's settings: short tasks on
// Express, where nothing dedupes a start and nothing can describe or stop an execution, so the
// task's record alone keeps its code to one run.
const DEV_CONFIG = readStackConfigFile(
  fileURLToPath(new URL("../../../Pulumi.dev.yaml", import.meta.url)),
  { project: "tasklane", stack: "dev" },
).config;
const OWNER = "arn:aws:iam::000000000000:user/tasklane-local";
/** The Express duration limit here: AWS's 5 minutes would make the limit's test wait too long. */
const LIMIT_MS = 5_000;

describe("the local runtime with an Express workflow (workflow.express: auto)", () => {
  let runtime: LocalRuntime;
  let probe: ReturnType<typeof pipelineProbe>;
  let records: TaskRecords;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      handlerLogLevel: "SILENT",
      testOverrides: { expressDurationLimitMs: LIMIT_MS },
    });
    probe = pipelineProbe(runtime);
    records = new TaskRecords(tableClient(probe.dynamodb), { tableName: runtime.tableName });
  });
  afterAll(async () => {
    probe.destroy();
    await runtime.stop();
  });

  /** A task's record as the producer writes it, queued, with no message sent for it. */
  async function queuedRecord(type: string, input: object): Promise<TaskEnvelope> {
    const task = taskEnvelope(type, input as never);
    await records.create({
      id: task.id,
      type: task.type,
      owner: OWNER,
      input: task.input,
      fingerprint: task.fingerprint,
      correlationId: task.correlationId,
      createdAt: task.createdAt,
    });
    return task;
  }

  /** A start of the task's generation on Express, as a consumer's would be, with its own run. */
  const startOnExpress = (task: TaskEnvelope) =>
    probe.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: runtime.expressStateMachineArn,
        name: executionName(task.id, task.generation),
        input: JSON.stringify({ task, run: randomUUID() }),
      }),
    );

  const endedExecutionsOf = (id: string, count: number) =>
    waitFor(
      () => {
        const executions = probe.executionsOf(id);
        return executions.length >= count && executions.every((e) => e.status !== "RUNNING")
          ? executions
          : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `${count} executions of ${id} to end` },
    );

  it("runs echo on the Express state machine and sleep on the Standard one", async () => {
    const [echo, sleep] = await Promise.all([
      probe.run("echo", { hello: "express" }),
      probe.run("sleep", { seconds: 1 }),
    ]);

    expect(echo).toMatchObject({ status: "succeeded", attempts: 1, output: { hello: "express" } });
    expect(sleep).toMatchObject({ status: "succeeded", output: { sleptSeconds: 1 } });
    const [onExpress] = await endedExecutionsOf(echo.id, 1);
    expect(onExpress).toMatchObject({
      type: "EXPRESS",
      stateMachineArn: runtime.expressStateMachineArn,
      status: "SUCCEEDED",
      // CreateTask, IsTaskDone, TaskCompleted, Succeeded: as on Standard.
      stateTransitions: 4,
    });
    expect(onExpress?.executionArn).toContain(
      `:express:tasklane-dev-workflow-express:${echo.id}-g1:`,
    );
    expect(probe.executionsOf(sleep.id).map((e) => e.type)).toEqual(["STANDARD"]);
  });

  it("runs the task's code once for two starts of one generation on Express: the second execution ends superseded", async () => {
    // Prepare
    const task = await queuedRecord("echo", { twice: true });

    // Act: two starts with one name, which Express does not dedupe.
    const [first, second] = await Promise.all([startOnExpress(task), startOnExpress(task)]);
    const executions = await endedExecutionsOf(task.id, 2);

    // Assess
    expect(first.executionArn).not.toBe(second.executionArn);
    expect(executions.map((e) => e.status).sort()).toEqual(["FAILED", "SUCCEEDED"]);
    expect(executions.find((e) => e.status === "FAILED")).toMatchObject({
      error: "TaskSupersededError",
    });
    const record = await records.get(task.id);
    expect(record).toMatchObject({ status: "succeeded", attempts: 1, output: { kind: "inline" } });
    expect(record?.timeline.filter((e) => e.event === "attempt-started")).toHaveLength(1);
  });

  it("runs nothing of a cancelled task that an Express execution starts anyway", async () => {
    // Prepare: cancelled before any execution claimed it, as a cancel racing a start can be.
    const task = await queuedRecord("echo", { cancelled: true });
    await records.cancel(task.id, { caller: OWNER, operator: false });

    // Act
    await startOnExpress(task);
    const [execution] = await endedExecutionsOf(task.id, 1);

    // Assess
    expect(execution).toMatchObject({ status: "FAILED", error: "TaskSupersededError" });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled", attempts: 0 });
  });

  it("answers status and cancel without ever describing or stopping an Express execution", async () => {
    // Prepare
    const before = runtime.stepFunctions.requests().length;

    // Act: the status of a finished Express task, a cancel it refuses, and the cancel of one
    // still queued (its start throttled meanwhile).
    const done = await probe.run("echo", { n: 1 });
    await probe.api.getTask(done.id);
    await expect(probe.api.cancelTask(done.id)).rejects.toMatchObject({ status: 409 });
    runtime.stepFunctions.setOutage("start-throttled");
    let queued: string;
    try {
      ({ id: queued } = await probe.api.submitTask({ type: "word-count", input: { text: "a" } }));
      expect((await probe.api.cancelTask(queued)).status).toBe("cancelled");
    } finally {
      runtime.stepFunctions.setOutage(undefined);
    }
    await probe.drained();

    // Assess
    const calls = runtime.stepFunctions.requests().slice(before);
    expect(calls.filter((c) => c.action === "DescribeExecution")).toEqual([]);
    expect(
      calls.filter((c) => c.action !== "StartExecution" && c.arn?.includes(":express:")),
    ).toEqual([]);
    // The one stop is the cancel's courtesy to a Standard execution of that name: there is none.
    expect(calls.filter((c) => c.action === "StopExecution")).toEqual([
      {
        action: "StopExecution",
        arn: `${runtime.stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName(queued, 1)}`,
        error: "ExecutionDoesNotExist",
      },
    ]);
    expect((await probe.api.getTask(queued)).attempts).toBe(0);
  });

  it("fails an Express execution that outlives the duration limit with States.Timeout (why a task that polls never runs there)", async () => {
    // Prepare: sleep polls, so the consumer starts it on Standard; started on Express anyway, it
    // waits past the limit.
    const task = await queuedRecord("sleep", { seconds: 600 });

    // Act
    await startOnExpress(task);
    const [execution] = await endedExecutionsOf(task.id, 1);

    // Assess: no Catch sees States.Timeout, so no step records the end: the record stays running.
    expect(execution).toMatchObject({
      type: "EXPRESS",
      status: "TIMED_OUT",
      error: "States.Timeout",
    });
    const ran = (execution?.stopDate?.getTime() ?? 0) - (execution?.startDate.getTime() ?? 0);
    expect(ran).toBeGreaterThanOrEqual(LIMIT_MS);
    expect(ran).toBeLessThan(LIMIT_MS + 2_000);
    expect((await records.get(task.id))?.status).toBe("running");
  }, 20_000);
});

describe("the local runtime with workflow.express off", () => {
  let runtime: LocalRuntime;
  let probe: ReturnType<typeof pipelineProbe>;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      handlerLogLevel: "SILENT",
      config: { ...DEV_CONFIG, workflow: { ...DEV_CONFIG.workflow, express: "off" } },
    });
    probe = pipelineProbe(runtime);
  });
  afterAll(async () => {
    probe.destroy();
    await runtime.stop();
  });

  it("runs a short task on Standard in at most 4 state transitions", async () => {
    const echo = await probe.run("echo", { standard: true });

    const executions = probe.executionsOf(echo.id);

    expect(executions).toEqual([
      expect.objectContaining({
        type: "STANDARD",
        status: "SUCCEEDED",
        stateMachineArn: runtime.stateMachineArn,
      }),
    ]);
    expect(executions[0]?.stateTransitions).toBeLessThanOrEqual(4);
  });

  it("deploys no Express state machine, and gives the consumer none", () => {
    expect(runtime.expressStateMachineArn).toBeUndefined();
    expect(runtime.stepFunctions.machines.map((m) => m.type)).toEqual(["STANDARD"]);
    expect(runtime.env).not.toHaveProperty("TASKLANE_EXPRESS_STATE_MACHINE_ARN");
    expect(runtime.env).not.toHaveProperty("TASKLANE_WORKFLOW_BOUNDS");
  });
});
