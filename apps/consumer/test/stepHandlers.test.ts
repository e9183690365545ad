import { s3Keys, type TaskEnvelope } from "@tasklane/shared-task";
import { readTaskItem, taskEnvelope } from "@tasklane/test-support";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import {
  lambdaContext,
  OWNER,
  readJsonObject,
  recordFor,
  writeJsonObject,
} from "./helpers/consumerEnvironment.js";
import { consumerSuite } from "./helpers/consumerSuite.js";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const { aws, records, createTask, checkTaskStatus, taskCompleted, markFailed } = consumerSuite({}, [
  "createTask",
  "checkTaskStatus",
  "taskCompleted",
  "markFailed",
]);

const RUN = "run-1";
const operator = { caller: "ops", operator: true };
const invoke = (handler: Handler, event: unknown) => handler(event, lambdaContext());

/** A task whose record is queued, as the producer leaves it. */
async function queued(type: string, input: unknown, overrides: Partial<TaskEnvelope> = {}) {
  const task = taskEnvelope(type, input as never, overrides);
  await recordFor(records, task);
  return task;
}

const eventsOf = async (id: string) =>
  ((await records.get(id))?.timeline ?? []).map((e) => e.event);

describe("CreateTask, as Step Functions invokes it on AWS", () => {
  it("claims the attempt and numbers attempts in the record when a Retry sends the very same event", async () => {
    // Prepare
    const task = await queued("flaky", { failures: 3 });
    const event = { task, run: RUN };

    // Act
    for (const attempt of [1, 2, 3]) {
      await expect(invoke(createTask, event)).rejects.toMatchObject({
        name: "TaskRetryableError",
        message: expect.stringContaining(`attempt ${attempt}`),
      });
    }
    const outcome = await invoke(createTask, event);

    // Assess
    expect(outcome).toMatchObject({
      status: "succeeded",
      attempt: 4,
      output: { value: { succeededOnAttempt: 4 } },
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "running",
      runId: RUN,
      attempts: 4,
      generationAttempts: 4,
      lastError: { name: "TaskRetryableError" },
    });
  });

  it("loads an input the producer stored in the payloads bucket", async () => {
    // Prepare
    const base = taskEnvelope("word-count", null);
    const key = s3Keys.input(base.id, "f".repeat(64));
    await writeJsonObject(aws, aws.buckets.payloads, key, { text: "one two three" });
    const task = await queued("word-count", null, {
      id: base.id,
      input: { kind: "s3" as const, bucket: aws.buckets.payloads, key, bytes: 25 },
    });

    // Act
    const outcome = await invoke(createTask, { task, run: RUN });

    // Assess
    expect(outcome).toMatchObject({ status: "succeeded", output: { value: { words: 3 } } });
  });

  it("fails with a permanent TaskInputError when the input breaks the schema", async () => {
    // Prepare
    const task = await queued("word-count", { text: 1 });

    // Act
    const outcome = invoke(createTask, { task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "TaskInputError" });
    expect((await records.get(task.id))?.timeline.at(-1)).toMatchObject({
      event: "attempt-failed",
      retryable: false,
    });
  });

  it("runs nothing for a task cancelled before its execution began: TaskSupersededError", async () => {
    // Prepare
    const task = await queued("echo", { n: 1 });
    await records.cancel(task.id, operator);
    const before = await records.get(task.id);

    // Act
    const outcome = invoke(createTask, { task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: "TaskSupersededError",
      message: expect.stringContaining("the task is cancelled"),
    });
    expect(await records.get(task.id)).toEqual(before);
  });

  it("runs nothing for a second execution of a generation another one claimed", async () => {
    // Prepare
    const task = await queued("echo", { n: 2 });
    await invoke(createTask, { task, run: "run-first" });

    // Act
    const duplicate = invoke(createTask, { task, run: "run-second" });

    // Assess
    await expect(duplicate).rejects.toMatchObject({
      name: "TaskSupersededError",
      message: expect.stringContaining("another execution claimed this generation"),
    });
    expect(await records.get(task.id)).toMatchObject({ runId: "run-first", attempts: 1 });
  });

  it("runs nothing for a generation the record has moved past", async () => {
    // Prepare
    const task = taskEnvelope("echo", { n: 3 });
    await recordFor(records, task, "queued", { generation: 2 });

    // Act
    const outcome = invoke(createTask, { task, run: RUN });

    // Assess
    await expect(outcome).rejects.toThrow("the record is at generation 2");
  });
});

describe("a polling task through the step handlers", () => {
  it("CreateTask starts it, CheckTaskStatus polls until done, TaskCompleted records the result", async () => {
    // Prepare
    const task = await queued("sleep", { seconds: 1 });
    const started = (await invoke(createTask, { task, run: RUN })) as {
      status: string;
      pollAfterSeconds: number;
    };
    expect(started).toMatchObject({ status: "running", pollAfterSeconds: 1, polls: 0 });
    // The Wait state's pause, on a fake clock: the poll comes the seconds the task asked for later.
    vi.useFakeTimers({ toFake: ["Date"] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    vi.setSystemTime(Date.now() + started.pollAfterSeconds * 1000);
    const polled = await invoke(checkTaskStatus, { task, step: started, run: RUN });
    expect(polled).toMatchObject({
      status: "succeeded",
      polls: 1,
      output: { value: { sleptSeconds: 1 } },
    });

    // Act
    const summary = await invoke(taskCompleted, { task, step: polled, run: RUN });

    // Assess
    expect(summary).toEqual({
      id: task.id,
      generation: 1,
      status: "succeeded",
      attempts: 1,
      polls: 1,
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "succeeded",
      polls: 1,
      output: { kind: "inline", value: { sleptSeconds: 1 } },
    });
    expect(await eventsOf(task.id)).toEqual(["queued", "attempt-started", "succeeded"]);
  });

  it("CheckTaskStatus polls nothing once the task was cancelled", async () => {
    // Prepare
    const task = await queued("sleep", { seconds: 30 });
    const started = await invoke(createTask, { task, run: RUN });
    await records.cancel(task.id, operator);

    // Act
    const polled = invoke(checkTaskStatus, { task, step: started, run: RUN });

    // Assess
    await expect(polled).rejects.toMatchObject({ name: "TaskSupersededError" });
    expect((await records.get(task.id))?.status).toBe("cancelled");
  });
});

describe("TaskCompleted", () => {
  it("is idempotent: a retry after its write applied finds its own success", async () => {
    // Prepare
    const task = await queued("echo", { n: 4 });
    const step = await invoke(createTask, { task, run: RUN });
    const event = { task, step, run: RUN };
    const first = await invoke(taskCompleted, event);

    // Act: Step Functions retries when the answer to the first call was lost.
    const retried = await invoke(taskCompleted, event);

    // Assess
    expect(retried).toEqual(first);
    expect((await eventsOf(task.id)).filter((e) => e === "succeeded")).toHaveLength(1);
  });

  it("records a large output by the location CreateTask stored it at", async () => {
    // Prepare
    const text = "lorem ipsum ".repeat(4_000);
    const task = await queued("echo", { text });
    const step = await invoke(createTask, { task, run: RUN });

    // Act
    await invoke(taskCompleted, { task, step, run: RUN });

    // Assess
    const key = s3Keys.output(task.id, 1);
    expect(await readJsonObject(aws, aws.buckets.results, key)).toEqual({ text });
    expect(await records.get(task.id)).toMatchObject({
      status: "succeeded",
      output: { kind: "s3", bucket: aws.buckets.results, key },
    });
    const item = await readTaskItem(aws.dynamodb, aws.tableName, task.id);
    expect(item).toMatchObject({ outputLocation: { bucket: aws.buckets.results, key } });
    expect(item).not.toHaveProperty("listOutput");
  });

  it("is superseded, and records nothing, when the task was cancelled during its last step", async () => {
    // Prepare
    const task = await queued("echo", { n: 5 });
    const step = await invoke(createTask, { task, run: RUN });
    await records.cancel(task.id, operator);

    // Act
    const completing = invoke(taskCompleted, { task, step, run: RUN });

    // Assess
    await expect(completing).rejects.toMatchObject({ name: "TaskSupersededError" });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled" });
    expect(await records.get(task.id)).not.toHaveProperty("output");
  });

  it("is superseded for an execution that does not own the task", async () => {
    // Prepare
    const task = await queued("echo", { n: 6 });
    const step = await invoke(createTask, { task, run: RUN });

    // Act
    const completing = invoke(taskCompleted, { task, step, run: "run-other" });

    // Assess
    await expect(completing).rejects.toMatchObject({ name: "TaskSupersededError" });
    expect((await records.get(task.id))?.status).toBe("running");
  });
});

describe("MarkFailed", () => {
  it("records the error AWS caught, reading the message out of Lambda's JSON cause", async () => {
    // Prepare
    const task = await queued("fail", { reason: "bad data" });
    await expect(invoke(createTask, { task, run: RUN })).rejects.toMatchObject({
      name: "TaskPermanentError",
    });
    const cause = JSON.stringify({
      errorType: "TaskPermanentError",
      errorMessage: "bad data",
      trace: [],
    });

    // Act
    const summary = await invoke(markFailed, {
      task,
      run: RUN,
      error: { Error: "TaskPermanentError", Cause: cause },
    });

    // Assess
    expect(summary).toMatchObject({
      status: "failed",
      attempts: 1,
      error: "TaskPermanentError",
      cause: "bad data",
      recorded: true,
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "failed",
      owner: OWNER,
      attempts: 1,
      error: { name: "TaskPermanentError", message: "bad data" },
    });
  });

  it("does not record a failure when the task was cancelled: recorded false, still cancelled", async () => {
    // Prepare
    const task = await queued("sleep", { seconds: 30 });
    await invoke(createTask, { task, run: RUN });
    await records.cancel(task.id, operator);

    // Act
    const summary = await invoke(markFailed, {
      task,
      run: RUN,
      error: { Error: "TaskSupersededError", Cause: "the task is cancelled" },
    });

    // Assess
    expect(summary).toMatchObject({ recorded: false });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled" });
    expect(await eventsOf(task.id)).not.toContain("failed");
  });

  it("does not record the failure of a duplicate execution over the one that runs the task", async () => {
    // Prepare
    const task = await queued("echo", { n: 7 });
    await invoke(createTask, { task, run: RUN });

    // Act
    const summary = await invoke(markFailed, {
      task,
      run: "run-duplicate",
      error: { Error: "TaskSupersededError", Cause: "another execution claimed this generation" },
    });

    // Assess
    expect(summary).toMatchObject({ recorded: false });
    expect(await records.get(task.id)).toMatchObject({ status: "running", runId: RUN });
  });

  it("counts as recorded when retried after its write applied, and writes the failure once", async () => {
    // Prepare
    const task = await queued("fail", { reason: "nope" });
    await expect(invoke(createTask, { task, run: RUN })).rejects.toThrow("nope");
    const event = { task, run: RUN, error: { Error: "TaskPermanentError", Cause: "nope" } };
    await invoke(markFailed, event);

    // Act
    const retried = await invoke(markFailed, event);

    // Assess
    expect(retried).toMatchObject({ recorded: true });
    expect((await eventsOf(task.id)).filter((e) => e === "failed")).toHaveLength(1);
  });
});
