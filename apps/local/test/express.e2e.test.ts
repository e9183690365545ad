import { randomUUID } from "node:crypto";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { executionName, STATE_NAMES, type TaskEnvelope } from "@tasklane/shared-task";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import { taskEnvelope, waitFor } from "@tasklane/test-support";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ExecutionTransition } from "../src/index.js";
import { useLocalRuntime } from "./helpers/pipeline.js";
import { stackConfig } from "./helpers/stackConfigs.js";

// Both workflows through the built bundles and Pulumi.dev.yaml's settings: short tasks on
// Express, where nothing dedupes a start and nothing can describe or stop an execution, so the
// task's record alone keeps its code to one run.
const DEV_CONFIG = stackConfig("dev");
const OWNER = "arn:aws:iam::000000000000:user/tasklane-local";
/** The Express duration limit here: AWS's 5 minutes would make the limit's test wait too long. */
const LIMIT_MS = 5_000;

describe("the local runtime with an Express workflow (workflow.express: auto)", () => {
  const transitions: ExecutionTransition[] = [];
  const local = useLocalRuntime({
    testOverrides: { expressDurationLimitMs: LIMIT_MS },
    onEvent: (e) => {
      if (e.kind === "transition") transitions.push(e.transition);
    },
  });
  let records: TaskRecords;

  beforeAll(() => {
    records = new TaskRecords(tableClient(local.probe.dynamodb), {
      tableName: local.runtime.tableName,
    });
  });

  /** A task's record as the producer writes it, queued, with no message sent for it. */
  async function queuedRecord(type: string, input: object): Promise<TaskEnvelope> {
    const task = taskEnvelope(type, input as never);
    // The record's fields are the envelope's, but for the message's version and generation.
    const { v: _version, generation: _generation, ...fields } = task;
    await records.create({ ...fields, owner: OWNER });
    return task;
  }

  /** A start of the task's generation on Express, as a consumer's would be, with its own run. */
  const startOnExpress = (task: TaskEnvelope) =>
    local.probe.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: local.runtime.expressStateMachineArn,
        name: executionName(task.id, task.generation),
        input: JSON.stringify({ task, run: randomUUID() }),
      }),
    );

  const endedExecutionsOf = (id: string, count: number) =>
    waitFor(
      () => {
        const executions = local.probe.executionsOf(id);
        return executions.length >= count && executions.every((e) => e.status !== "RUNNING")
          ? executions
          : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `${count} executions of ${id} to end` },
    );

  it("runs echo on the Express state machine and sleep on the Standard one", async () => {
    const [echo, sleep] = await Promise.all([
      local.probe.run("echo", { hello: "express" }),
      local.probe.run("sleep", { seconds: 1 }),
    ]);

    expect(echo).toMatchObject({ status: "succeeded", attempts: 1, output: { hello: "express" } });
    expect(sleep).toMatchObject({ status: "succeeded", output: { sleptSeconds: 1 } });
    const [onExpress] = await endedExecutionsOf(echo.id, 1);
    expect(onExpress).toMatchObject({
      type: "EXPRESS",
      stateMachineArn: local.runtime.expressStateMachineArn,
      status: "SUCCEEDED",
      // CreateTask, IsTaskDone, TaskCompleted, Succeeded: as on Standard.
      stateTransitions: 4,
    });
    expect(onExpress?.executionArn).toContain(
      `:express:tasklane-dev-workflow-express:${echo.id}-g1:`,
    );
    expect(local.probe.executionsOf(sleep.id).map((e) => e.type)).toEqual(["STANDARD"]);
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
    const before = local.runtime.stepFunctions.requests().length;

    // Act: the status of a finished Express task, a cancel it refuses, and the cancel of one
    // still queued (its start throttled meanwhile).
    const done = await local.probe.run("echo", { n: 1 });
    await local.probe.api.getTask(done.id);
    await expect(local.probe.api.cancelTask(done.id)).rejects.toMatchObject({ status: 409 });
    local.runtime.stepFunctions.setOutage("start-throttled");
    let queued: string;
    try {
      ({ id: queued } = await local.probe.api.submitTask({
        type: "word-count",
        input: { text: "a" },
      }));
      expect((await local.probe.api.cancelTask(queued)).status).toBe("cancelled");
    } finally {
      local.runtime.stepFunctions.setOutage(undefined);
    }
    await local.probe.drained();

    // Assess
    const calls = local.runtime.stepFunctions.requests().slice(before);
    expect(calls.filter((c) => c.action === "DescribeExecution")).toEqual([]);
    expect(
      calls.filter((c) => c.action !== "StartExecution" && c.arn?.includes(":express:")),
    ).toEqual([]);
    // The one stop is the cancel's courtesy to a Standard execution of that name: there is none.
    expect(calls.filter((c) => c.action === "StopExecution")).toEqual([
      {
        action: "StopExecution",
        arn: `${local.runtime.stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName(queued, 1)}`,
        error: "ExecutionDoesNotExist",
      },
    ]);
    expect((await local.probe.api.getTask(queued)).attempts).toBe(0);
  });

  it("fails an Express execution that outlives the duration limit with States.Timeout (why a task that polls never runs there)", async () => {
    // Prepare: sleep polls, so the consumer starts it on Standard; started on Express anyway, it
    // waits past the limit.
    const task = await queuedRecord("sleep", { seconds: 600 });

    // Act: the limit's timer is armed while the start is answered.
    const timers = vi.spyOn(globalThis, "setTimeout");
    await startOnExpress(task);
    const armed = timers.mock.calls.map(([, ms]) => ms);
    timers.mockRestore();
    const [execution] = await endedExecutionsOf(task.id, 1);

    // Assess: no Catch sees States.Timeout, so no step records the end: the record stays running.
    expect(execution).toMatchObject({
      type: "EXPRESS",
      status: "TIMED_OUT",
      error: "States.Timeout",
    });
    expect(armed.filter((ms) => ms === LIMIT_MS)).toHaveLength(1);
    // The limit, and nothing else, ended it: in the middle of the 600 s wait.
    const history = transitions
      .filter((t) => t.executionArn === execution?.executionArn)
      .map((t) => (t.state ? `${t.type} ${t.state.name}` : t.type));
    expect(history.slice(-2)).toEqual([
      `StateEntered ${STATE_NAMES.waitForTaskCompletion}`,
      "ExecutionTimedOut",
    ]);
    expect((await records.get(task.id))?.status).toBe("running");
  }, 20_000);
});

describe("the local runtime with workflow.express off", () => {
  const local = useLocalRuntime({
    config: { ...DEV_CONFIG, workflow: { ...DEV_CONFIG.workflow, express: "off" } },
  });

  it("runs a short task on Standard in at most 4 state transitions", async () => {
    const echo = await local.probe.run("echo", { standard: true });

    const executions = local.probe.executionsOf(echo.id);

    expect(executions).toEqual([
      expect.objectContaining({
        type: "STANDARD",
        status: "SUCCEEDED",
        stateMachineArn: local.runtime.stateMachineArn,
      }),
    ]);
    expect(executions[0]?.stateTransitions).toBeLessThanOrEqual(4);
  });

  it("deploys no Express state machine, and gives the consumer none", () => {
    expect(local.runtime.expressStateMachineArn).toBeUndefined();
    expect(local.runtime.stepFunctions.machines.map((m) => m.type)).toEqual(["STANDARD"]);
    expect(local.runtime.env).not.toHaveProperty("TASKLANE_EXPRESS_STATE_MACHINE_ARN");
    expect(local.runtime.env).not.toHaveProperty("TASKLANE_WORKFLOW_BOUNDS");
  });
});
