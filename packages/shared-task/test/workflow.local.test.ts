import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineTask, ERROR_NAMES, readJson, s3Keys } from "../src/index.js";
import { exampleTasks } from "../src/tasks.js";
import { BUCKETS, envelopeFor, neverFinishing } from "./helpers/factories.js";
import { FailingBlobStore, slowDown } from "./helpers/failingBlobStore.js";
import { MemoryStepRecords, throttled } from "./helpers/memoryStepRecords.js";
import { retriesOf, runWorkflowLocally } from "./helpers/runWorkflowLocally.js";

// The ASL the Pulumi program deploys, executed by aws-local-stepfunctions with its Lambda states
// bound to the real step cores.
describe("the workflow, run locally", () => {
  describe("on the Express document, a task that finishes in start", () => {
    it("echo succeeds in the same four states as on Standard", async () => {
      const run = await runWorkflowLocally({ type: "echo", input: { n: 1 }, workflow: "express" });

      expect(run.path).toEqual(["CreateTask", "IsTaskDone", "TaskCompleted", "Succeeded"]);
      expect(run.record).toMatchObject({ status: "succeeded", attempts: 1 });
    });

    it("flaky is retried as on Standard: 3 failures succeed on attempt 4, 4 fail after 4", async () => {
      const [three, four] = await Promise.all([
        runWorkflowLocally({ type: "flaky", input: { failures: 3 }, workflow: "express" }),
        runWorkflowLocally({ type: "flaky", input: { failures: 4 }, workflow: "express" }),
      ]);

      expect(three.record).toMatchObject({ status: "succeeded", attempts: 4 });
      expect(four.record).toMatchObject({ status: "failed", attempts: 4 });
      expect(four.failed?.error).toBe(ERROR_NAMES.retryable);
    });

    it("a cancelled task runs nothing", async () => {
      const records = new MemoryStepRecords();
      const task = envelopeFor("echo", { n: 1 });
      records.seed(task);
      records.cancel(task.id);

      const run = await runWorkflowLocally({
        type: "echo",
        input: null,
        records,
        task,
        workflow: "express",
      });

      expect(run.failed?.error).toBe(ERROR_NAMES.superseded);
      expect(run.record).toMatchObject({ status: "cancelled", attempts: 0 });
    });
  });

  it("echo: succeeds in one pass, the output is the result summary and the record holds the output", async () => {
    const run = await runWorkflowLocally({ type: "echo", input: { hello: "world" } });

    expect(run.path).toEqual(["CreateTask", "IsTaskDone", "TaskCompleted", "Succeeded"]);
    expect(run.output).toEqual({
      id: run.taskId,
      generation: 1,
      status: "succeeded",
      attempts: 1,
      polls: 0,
    });
    expect(run.record).toMatchObject({
      status: "succeeded",
      attempts: 1,
      output: { kind: "inline", value: { hello: "world" } },
    });
    expect(run.record?.timeline.map((e) => e.event)).toEqual([
      "queued",
      "attempt-started",
      "succeeded",
    ]);
  });

  it("sleep: loops through WaitForTaskCompletion and CheckTaskStatus until the time has passed", async () => {
    const run = await runWorkflowLocally({ type: "sleep", input: { seconds: 2 } });

    expect(run.path.slice(0, 4)).toEqual([
      "CreateTask",
      "IsTaskDone",
      "WaitForTaskCompletion",
      "CheckTaskStatus",
    ]);
    expect(run.path.at(-1)).toBe("Succeeded");
    expect(run.output).toMatchObject({ status: "succeeded", polls: expect.any(Number) });
    expect((run.output as { polls: number }).polls).toBeGreaterThanOrEqual(1);
  });

  it("flaky with 3 failures: retried three times, succeeds on the 4th attempt", async () => {
    const run = await runWorkflowLocally({ type: "flaky", input: { failures: 3 } });

    expect(retriesOf(run, "CreateTask")).toBe(3);
    expect(run.output).toMatchObject({ status: "succeeded", attempts: 4 });
    expect(run.record).toMatchObject({
      status: "succeeded",
      attempts: 4,
      output: { value: { succeededOnAttempt: 4 } },
    });
  });

  it("flaky with 4 failures: after 4 attempts it ends in MarkFailed with the retryable error", async () => {
    const run = await runWorkflowLocally({ type: "flaky", input: { failures: 4 } });

    expect(retriesOf(run, "CreateTask")).toBe(3);
    expect(run.path.slice(-2)).toEqual(["MarkFailed", "Failed"]);
    expect(run.failed).toEqual({
      error: ERROR_NAMES.retryable,
      cause: "flaky fails on purpose on attempt 4 (asked to fail 4 times)",
    });
    expect(run.record).toMatchObject({
      status: "failed",
      attempts: 4,
      error: { name: "TaskRetryableError" },
    });
  });

  it("fail: reaches MarkFailed without a single retry", async () => {
    const run = await runWorkflowLocally({ type: "fail", input: { reason: "bad data" } });

    expect(retriesOf(run, "CreateTask")).toBe(0);
    expect(run.path).toEqual(["CreateTask", "MarkFailed", "Failed"]);
    expect(run.failed).toEqual({ error: ERROR_NAMES.permanent, cause: "bad data" });
    expect(run.record).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { name: "TaskPermanentError", message: "bad data" },
    });
  });

  it("a task that never finishes is stopped by the poll bound", async () => {
    const run = await runWorkflowLocally({
      type: "sleep",
      input: { seconds: 3_600 },
      settings: { maxPolls: 3 },
      overrides: { waitTimeOverrides: { WaitForTaskCompletion: 0 } },
    });

    expect(run.path.filter((s) => s === "CheckTaskStatus")).toHaveLength(3);
    expect(run.path.slice(-3)).toEqual(["PollLimitExceeded", "MarkFailed", "Failed"]);
    expect(run.failed).toEqual({
      error: ERROR_NAMES.pollLimitExceeded,
      cause: "the task was still running after 3 polls",
    });
    expect(run.record).toMatchObject({
      status: "failed",
      error: { name: ERROR_NAMES.pollLimitExceeded },
    });
  });

  it("a task whose poll outlives its timeoutSeconds fails with TaskTimeoutError, not retried", async () => {
    const stuck = neverFinishing("stuck", { timeoutSeconds: 1, pollAfterSeconds: 1 });

    const run = await runWorkflowLocally({ type: "stuck", input: {}, tasks: [stuck] });

    expect(run.failed?.error).toBe(ERROR_NAMES.timeout);
    expect(retriesOf(run, "CheckTaskStatus")).toBe(0);
  });

  it("a task asking to wait past its timeoutSeconds is polled at its deadline and fails there", async () => {
    const patient = neverFinishing("patient", { timeoutSeconds: 1, pollAfterSeconds: 3_600 });

    const run = await runWorkflowLocally({ type: "patient", input: {}, tasks: [patient] });

    expect(run.path.slice(-4)).toEqual([
      "WaitForTaskCompletion",
      "CheckTaskStatus",
      "MarkFailed",
      "Failed",
    ]);
    expect(run.failed?.error).toBe(ERROR_NAMES.timeout);
  });

  it("a throttled claim while CreateTask counts the attempt is retried, not sent to MarkFailed", async () => {
    const records = new MemoryStepRecords().failNext("claimAttempt", throttled);

    const run = await runWorkflowLocally({ type: "echo", input: { hello: "world" }, records });

    expect(records.pendingFaults).toBe(0);
    expect(retriesOf(run, "CreateTask")).toBe(1);
    expect(run.path).not.toContain("MarkFailed");
    expect(run.output).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("a 503 from S3 while CreateTask stores a large output is retried, and counted as an attempt", async () => {
    const store = new FailingBlobStore().failNext("put", /output\.json$/, slowDown);
    const text = "lorem ipsum ".repeat(5_000);

    const run = await runWorkflowLocally({ type: "echo", input: { text }, store });

    expect(store.pendingFaults).toBe(0);
    expect(retriesOf(run, "CreateTask")).toBe(1);
    expect(run.record).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("a cancelled task's execution runs nothing, and MarkFailed leaves the cancellation", async () => {
    const records = new MemoryStepRecords();
    const task = envelopeFor("echo", { n: 1 });
    records.seed(task);
    records.cancel(task.id);

    const run = await runWorkflowLocally({ type: "echo", input: null, records, task });

    expect(run.path).toEqual(["CreateTask", "MarkFailed", "Failed"]);
    expect(run.failed?.error).toBe(ERROR_NAMES.superseded);
    expect(run.record).toMatchObject({ status: "cancelled", attempts: 0 });
    expect(run.record?.timeline.map((e) => e.event)).toEqual(["queued", "cancelled"]);
  });

  it.each(["standard", "express"] as const)(
    "two executions of one generation (as Express allows) run the task's code once on the %s document; the second ends superseded",
    async (workflow) => {
      let starts = 0;
      const once = defineTask(
        {
          type: "once",
          description: "Counts its starts.",
          input: z.object({}),
          output: z.object({ starts: z.number() }),
        },
        { start: () => ({ status: "succeeded", output: { starts: ++starts } }) },
      );
      const records = new MemoryStepRecords();
      const task = envelopeFor("once", {});
      records.seed(task);
      const execute = (run: string) =>
        runWorkflowLocally({
          type: "once",
          input: {},
          tasks: [once],
          records,
          task,
          run,
          workflow,
        });

      const [first, second] = await Promise.all([execute("run-a"), execute("run-b")]);

      expect(starts).toBe(1);
      const outcomes = [first, second].map((r) => r.failed?.error ?? "succeeded").sort();
      expect(outcomes).toEqual(["TaskSupersededError", "succeeded"]);
      const record = await records.get(task.id);
      expect(record).toMatchObject({
        status: "succeeded",
        attempts: 1,
        output: { value: { starts: 1 } },
      });
      expect(record?.timeline.filter((e) => e.event === "failed")).toEqual([]);
    },
  );

  it("a large output travels as an S3 key: the state machine never carries it", async () => {
    const text = "lorem ipsum ".repeat(10_000);

    const run = await runWorkflowLocally({ type: "echo", input: { text } });

    const stateSizes = run.events
      .filter((e) => e.type === "StateExited")
      .map(
        (e) => JSON.stringify((e as { state: { output?: unknown } }).state.output ?? null).length,
      );
    // The input (120 KB) travels in the envelope; the 120 KB output must not be added to it.
    expect(Math.max(...stateSizes)).toBeLessThan(text.length + 2_000);
    const output = await readJson(run.store, {
      bucket: BUCKETS.results,
      key: s3Keys.output(run.taskId, 1),
    });
    expect(output).toEqual({ text });
  });

  it.each(exampleTasks.map((t) => t.type))(
    "%s is registered with a contract the catalog can describe",
    (type) => {
      const task = exampleTasks.find((t) => t.type === type);

      expect(() => z.toJSONSchema(task?.input as z.ZodType)).not.toThrow();
    },
  );
});
