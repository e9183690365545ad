import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type AnyTaskDefinition,
  type BlobStore,
  defineTask,
  defineTaskContract,
  type JsonValue,
  s3Keys,
  type TaskEnvelope,
  TaskRegistry,
} from "../src/index.js";
import {
  caughtErrorInfo,
  createTaskSteps,
  ERROR_MESSAGE_MAX_LENGTH,
  type StepOutcome,
} from "../src/steps.js";
import { exampleTasks, SLEEP_MAX_POLL_SECONDS } from "../src/tasks.js";
import { BUCKETS, envelopeFor, manualClock, neverFinishing } from "./helpers/factories.js";
import {
  accessDenied,
  connectionReset,
  FailingBlobStore,
  slowDown,
} from "./helpers/failingBlobStore.js";
import { MemoryBlobStore } from "./helpers/memoryBlobStore.js";
import { lostResponse, MemoryStepRecords, throttled } from "./helpers/memoryStepRecords.js";

const RUN = "run-1";

function stepsWith(
  tasks: readonly AnyTaskDefinition[] = exampleTasks,
  maxInlineBytes?: number,
  store: BlobStore = new MemoryBlobStore(),
) {
  const clock = manualClock();
  const records = new MemoryStepRecords(clock.now);
  const steps = createTaskSteps({
    tasks: new TaskRegistry(tasks),
    records,
    store,
    buckets: BUCKETS,
    now: clock.now,
    ...(maxInlineBytes === undefined ? {} : { maxInlineBytes }),
  });
  /** An envelope of a new task whose record is queued, as the producer leaves it. */
  const queued = (...args: Parameters<typeof envelopeFor>): TaskEnvelope => {
    const task = envelopeFor(...args);
    records.seed(task);
    return task;
  };
  return { steps, store, clock, records, queued };
}

/** A task that counts the calls of its `start`, so a test can tell it never ran. */
function counting() {
  const calls = { start: 0, poll: 0 };
  const task = defineTask(
    {
      type: "counted",
      description: "Counts its calls; polls once.",
      input: z.object({}),
      output: z.object({ polls: z.number() }),
    },
    {
      start: () => {
        calls.start += 1;
        return { status: "running", state: {}, pollAfterSeconds: 1 };
      },
      poll: () => {
        calls.poll += 1;
        return { status: "succeeded", output: { polls: calls.poll } };
      },
    },
  );
  return { task, calls };
}

describe("CreateTask", () => {
  it("claims the attempt, runs start and returns the output inline when it is small", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("word-count", { text: "a b c" });

    // Act
    const outcome = await steps.createTask({ task, run: RUN });

    // Assess
    expect(outcome).toEqual({
      status: "succeeded",
      attempt: 1,
      polls: 0,
      output: { kind: "inline", value: { words: 3, lines: 1, characters: 5 } },
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "running",
      runId: RUN,
      attempts: 1,
      startedAt: "2026-11-25T10:00:00.000Z",
    });
  });

  it("counts attempts in the record, as Step Functions' Retry calls it again with the same event", async () => {
    // On AWS a retry re-invokes the Lambda with an identical event; nothing in the event says
    // which attempt it is. The record's atomic counter numbers them, here as on AWS.
    const { steps, records, queued } = stepsWith();
    const task = queued("flaky", { failures: 2 });
    const event = { task, run: RUN };

    // Act
    await expect(steps.createTask(event)).rejects.toThrow("attempt 1");
    await expect(steps.createTask(event)).rejects.toThrow("attempt 2");
    const third = await steps.createTask(event);

    // Assess
    expect(third).toMatchObject({ status: "succeeded", attempt: 3 });
    const record = await records.get(task.id);
    expect(record).toMatchObject({ attempts: 3, lastError: { name: "TaskRetryableError" } });
    expect(record?.timeline.filter((e) => e.event === "attempt-failed")).toEqual([
      expect.objectContaining({ attempt: 1, retryable: true }),
      expect.objectContaining({ attempt: 2, retryable: true }),
    ]);
  });

  it("continues the count in a retried task's next generation, so flaky can succeed there", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const first = queued("flaky", { failures: 2 });
    await expect(steps.createTask({ task: first, run: RUN })).rejects.toThrow("attempt 1");
    await expect(steps.createTask({ task: first, run: RUN })).rejects.toThrow("attempt 2");
    await steps.markFailed({ task: first, run: RUN, error: { Error: "TaskRetryableError" } });
    records.retry(first.id);

    // Act
    const outcome = await steps.createTask({ task: { ...first, generation: 2 }, run: "run-2" });

    // Assess
    expect(outcome).toMatchObject({ status: "succeeded", attempt: 3 });
    expect(await records.get(first.id)).toMatchObject({
      generation: 2,
      attempts: 3,
      generationAttempts: 1,
      runId: "run-2",
    });
  });

  it("reads an input stored in S3 and stores a large output in the results bucket", async () => {
    // Prepare
    const { steps, store, queued } = stepsWith(exampleTasks, 1024);
    const text = "word ".repeat(1000);
    const base = envelopeFor("echo", null);
    const inputKey = s3Keys.input(base.id, "f".repeat(64));
    await store.putText({ bucket: BUCKETS.payloads, key: inputKey }, JSON.stringify({ text }));
    const task = queued("echo", null, {
      id: base.id,
      input: { kind: "s3" as const, bucket: BUCKETS.payloads, key: inputKey, bytes: 5_011 },
    });

    // Act
    const outcome = await steps.createTask({ task, run: RUN });

    // Assess
    expect(outcome).toMatchObject({
      status: "succeeded",
      output: { kind: "s3", bucket: BUCKETS.results, key: s3Keys.output(task.id, 1) },
    });
    expect(
      JSON.parse(
        (await store.getText({ bucket: BUCKETS.results, key: s3Keys.output(task.id, 1) })) ?? "",
      ),
    ).toEqual({ text });
  });

  it("fails with TaskInputError naming the field when the input breaks the schema", async () => {
    const { steps, queued } = stepsWith();

    await expect(
      steps.createTask({ task: queued("word-count", { text: 42 }), run: RUN }),
    ).rejects.toMatchObject({
      name: "TaskInputError",
      issues: [{ path: "input.text", message: expect.any(String) }],
    });
  });

  it("fails with UnknownTaskTypeError for a type this consumer does not have", async () => {
    const { steps, queued } = stepsWith();

    await expect(steps.createTask({ task: queued("resize", {}), run: RUN })).rejects.toMatchObject({
      name: "UnknownTaskTypeError",
    });
  });

  it("fails with PayloadError when the referenced input is gone", async () => {
    // Prepare
    const { steps, queued } = stepsWith();
    const task = queued("echo", null, {
      input: { kind: "s3" as const, bucket: BUCKETS.payloads, key: "inputs/gone.json", bytes: 9 },
    });

    // Act
    const outcome = steps.createTask({ task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "PayloadError" });
  });

  it.each([
    ["no valid task", { task: { v: 1 }, run: RUN }],
    ["no start id", { task: envelopeFor("echo", {}) }],
    ["nothing readable at all", "nope"],
  ])("fails with EnvelopeError when the event holds %s", async (_case, event) => {
    const { steps } = stepsWith();

    await expect(steps.createTask(event)).rejects.toMatchObject({ name: "EnvelopeError" });
  });
});

describe("CreateTask of an execution the record does not expect", () => {
  it.each<{
    case: string;
    prepare: (r: MemoryStepRecords, task: TaskEnvelope) => unknown;
    says: string;
  }>([
    { case: "a cancelled task", prepare: (r, t) => r.cancel(t.id), says: "the task is cancelled" },
    {
      case: "a generation another execution claimed",
      prepare: (r, t) => r.claimAttempt(t.id, 1, "run-other"),
      says: "another execution claimed this generation",
    },
    {
      case: "a generation the record moved past",
      prepare: async (r, t) => {
        r.cancel(t.id);
        r.retry(t.id);
      },
      says: "the record is at generation 2",
    },
  ])(
    "runs nothing for $case: TaskSupersededError, start never called",
    async ({ prepare, says }) => {
      // Prepare
      const counted = counting();
      const { steps, records, queued } = stepsWith([counted.task]);
      const task = queued("counted", {});
      await prepare(records, task);
      const before = await records.get(task.id);

      // Act
      const outcome = steps.createTask({ task, run: RUN });

      // Assess
      await expect(outcome).rejects.toMatchObject({ name: "TaskSupersededError" });
      await expect(outcome).rejects.toThrow(says);
      expect(counted.calls.start).toBe(0);
      expect(await records.get(task.id)).toEqual(before);
    },
  );

  it("runs nothing for a task that has no record (its submission was rolled back)", async () => {
    // Prepare
    const counted = counting();
    const { steps } = stepsWith([counted.task]);

    // Act
    const outcome = steps.createTask({ task: envelopeFor("counted", {}), run: RUN });

    // Assess
    await expect(outcome).rejects.toThrow("the task has no record");
    expect(counted.calls.start).toBe(0);
  });

  it("of two executions of one generation (Express dedupes nothing), runs start once", async () => {
    // Prepare
    const counted = counting();
    const { steps, queued } = stepsWith([counted.task]);
    const task = queued("counted", {});

    // Act
    const outcomes = await Promise.allSettled([
      steps.createTask({ task, run: "run-a" }),
      steps.createTask({ task, run: "run-b" }),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(counted.calls.start).toBe(1);
  });
});

describe("what start and poll may return", () => {
  const contract = defineTaskContract({
    type: "bad",
    description: "Misbehaves in the way each test asks.",
    input: z.object({ mode: z.string() }),
    output: z.object({ ok: z.boolean() }),
  });
  const bad = defineTask(contract, {
    start: ({ mode }) => {
      if (mode === "wrong-output") return { status: "succeeded", output: { ok: "yes" } as never };
      if (mode === "bad-wait") return { status: "running", state: {}, pollAfterSeconds: 1.5 };
      if (mode === "garbage") return { done: true } as never;
      return { status: "running", state: {}, pollAfterSeconds: 1 };
    },
  });

  it.each([
    ["an output that breaks the output schema", "wrong-output", "TaskOutputError", "`output.ok`"],
    ["running without a poll", "no-poll", "TaskOutputError", "defines no `poll`"],
    [
      "a fractional pollAfterSeconds",
      "bad-wait",
      "TaskOutputError",
      "`pollAfterSeconds` must be a whole number",
    ],
    ["something that is not a step result", "garbage", "TaskOutputError", "must return"],
  ])("rejects %s as a permanent error, noted in the record", async (_case, mode, name, message) => {
    // Prepare
    const { steps, records, queued } = stepsWith([bad]);
    const task = queued("bad", { mode });

    // Act
    const outcome = steps.createTask({ task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name });
    await expect(outcome).rejects.toThrow(message);
    expect((await records.get(task.id))?.timeline.at(-1)).toMatchObject({
      event: "attempt-failed",
      retryable: false,
      error: { name },
    });
  });
});

describe("CheckTaskStatus", () => {
  it("polls with the running state and counts the polls", async () => {
    // Prepare
    const { steps, clock, queued } = stepsWith();
    const seconds = SLEEP_MAX_POLL_SECONDS + 100;
    const task = queued("sleep", { seconds });
    const started = await steps.createTask({ task, run: RUN });
    expect(started).toMatchObject({
      status: "running",
      polls: 0,
      pollAfterSeconds: SLEEP_MAX_POLL_SECONDS,
    });

    // Act
    clock.advance(SLEEP_MAX_POLL_SECONDS * 1000);
    const first = await steps.checkTaskStatus({ task, step: started, run: RUN });
    clock.advance(100_000);
    const second = await steps.checkTaskStatus({ task, step: first, run: RUN });

    // Assess
    expect(first).toMatchObject({ status: "running", polls: 1, pollAfterSeconds: 100, attempt: 1 });
    expect(second).toEqual({
      status: "succeeded",
      attempt: 1,
      polls: 2,
      output: { kind: "inline", value: { sleptSeconds: seconds } },
    });
  });

  it("polls nothing once the task was cancelled: TaskSupersededError", async () => {
    // Prepare
    const counted = counting();
    const { steps, records, queued } = stepsWith([counted.task]);
    const task = queued("counted", {});
    const started = await steps.createTask({ task, run: RUN });
    records.cancel(task.id);

    // Act
    const polled = steps.checkTaskStatus({ task, step: started, run: RUN });

    // Assess
    await expect(polled).rejects.toMatchObject({ name: "TaskSupersededError" });
    expect(counted.calls.poll).toBe(0);
  });

  it("polls nothing for another execution than the one that claimed the task", async () => {
    // Prepare
    const counted = counting();
    const { steps, queued } = stepsWith([counted.task]);
    const task = queued("counted", {});
    const started = await steps.createTask({ task, run: RUN });

    // Act
    const polled = steps.checkTaskStatus({ task, step: started, run: "run-other" });

    // Assess
    await expect(polled).rejects.toThrow("another execution claimed this generation");
    expect(counted.calls.poll).toBe(0);
  });

  it("stops a task that passes its own timeoutSeconds with TaskTimeoutError", async () => {
    // Prepare
    const slow = neverFinishing("slow", { timeoutSeconds: 10, pollAfterSeconds: 5 });
    const { steps, clock, queued } = stepsWith([slow]);
    const task = queued("slow", {});
    const started = (await steps.createTask({ task, run: RUN })) as StepOutcome;
    expect(started).toMatchObject({ deadline: "2026-11-25T10:00:10.000Z" });

    // Act
    clock.advance(11_000);

    // Assess
    await expect(steps.checkTaskStatus({ task, step: started, run: RUN })).rejects.toMatchObject({
      name: "TaskTimeoutError",
    });
  });

  it("keeps the deadline of the first attempt when a retried attempt claims again", async () => {
    // Prepare
    const slow = neverFinishing("slow", { timeoutSeconds: 10, pollAfterSeconds: 5 });
    const { steps, clock, queued } = stepsWith([slow]);
    const task = queued("slow", {});
    await steps.createTask({ task, run: RUN });
    clock.advance(4_000);

    // Act
    const retried = await steps.createTask({ task, run: RUN });

    // Assess
    expect(retried).toMatchObject({ attempt: 2, deadline: "2026-11-25T10:00:10.000Z" });
  });

  it("shortens a wait that would end past the task's deadline, so the timeout is noticed on time", async () => {
    // Prepare
    const patient = neverFinishing("patient", { timeoutSeconds: 10, pollAfterSeconds: 3_600 });
    const { steps, clock, queued } = stepsWith([patient]);
    const task = queued("patient", {});

    // Act
    const started = await steps.createTask({ task, run: RUN });
    clock.advance(8_500);
    const polled = await steps.checkTaskStatus({ task, step: started, run: RUN });
    clock.advance(1_500);

    // Assess
    expect(started).toMatchObject({ status: "running", pollAfterSeconds: 10 });
    expect(polled).toMatchObject({ status: "running", pollAfterSeconds: 2 });
    await expect(steps.checkTaskStatus({ task, step: polled, run: RUN })).rejects.toMatchObject({
      name: "TaskTimeoutError",
    });
  });
});

describe("TaskCompleted", () => {
  it("records the success in the record and returns a summary without the data", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", { hello: "world" });
    const step = await steps.createTask({ task, run: RUN });

    // Act
    const summary = await steps.taskCompleted({ task, step, run: RUN });

    // Assess
    expect(summary).toEqual({
      id: task.id,
      generation: 1,
      status: "succeeded",
      attempts: 1,
      polls: 0,
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "succeeded",
      output: { kind: "inline", value: { hello: "world" } },
      polls: 0,
    });
  });

  it("is done when Step Functions retries it after its write applied and the answer was lost", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", { n: 1 });
    const step = await steps.createTask({ task, run: RUN });
    records.failNext("complete", lostResponse, { afterApplying: true });
    const event = { task, step, run: RUN };
    await expect(steps.taskCompleted(event)).rejects.toMatchObject({ name: "TaskRetryableError" });

    // Act
    const retried = await steps.taskCompleted(event);

    // Assess
    expect(retried).toMatchObject({ status: "succeeded", attempts: 1 });
    const record = await records.get(task.id);
    expect(record?.timeline.filter((e) => e.event === "succeeded")).toHaveLength(1);
  });

  it.each<{
    case: string;
    prepare: (r: MemoryStepRecords, t: TaskEnvelope) => unknown;
    run: string;
  }>([
    { case: "was cancelled meanwhile", prepare: (r, t) => r.cancel(t.id), run: RUN },
    { case: "is claimed by another execution", prepare: () => undefined, run: "run-other" },
  ])("records nothing when the task $case: TaskSupersededError", async ({ prepare, run }) => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", { n: 1 });
    const step = await steps.createTask({ task, run: RUN });
    await prepare(records, task);
    const before = await records.get(task.id);

    // Act
    const completed = steps.taskCompleted({ task, step, run });

    // Assess
    await expect(completed).rejects.toMatchObject({ name: "TaskSupersededError" });
    expect(await records.get(task.id)).toEqual(before);
  });
});

describe("MarkFailed", () => {
  it("records the error, and the attempts the record counted", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("fail", { reason: "nope" });
    await expect(steps.createTask({ task, run: RUN })).rejects.toThrow("nope");

    // Act
    const summary = await steps.markFailed({
      task,
      run: RUN,
      error: { Error: "TaskPermanentError", Cause: "nope" },
    });

    // Assess
    expect(summary).toEqual({
      id: task.id,
      generation: 1,
      status: "failed",
      attempts: 1,
      error: "TaskPermanentError",
      cause: "nope",
      recorded: true,
    });
    expect(await records.get(task.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { name: "TaskPermanentError", message: "nope" },
    });
  });

  it("does not record a failure over a cancellation: recorded is false and the task stays cancelled", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", {});
    await steps.createTask({ task, run: RUN });
    records.cancel(task.id);

    // Act
    const summary = await steps.markFailed({
      task,
      run: RUN,
      error: { Error: "TaskSupersededError", Cause: "the task is cancelled" },
    });

    // Assess
    expect(summary).toMatchObject({ recorded: false, error: "TaskSupersededError" });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled" });
  });

  it("does not record the failure of an execution that never claimed the task", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", {});
    await steps.createTask({ task, run: RUN });

    // Act
    const summary = await steps.markFailed({
      task,
      run: "run-duplicate",
      error: { Error: "TaskSupersededError", Cause: "another execution claimed this generation" },
    });

    // Assess
    expect(summary.recorded).toBe(false);
    expect(await records.get(task.id)).toMatchObject({ status: "running", runId: RUN });
  });

  it("counts as recorded when Step Functions retries it after its write applied", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("fail", { reason: "nope" });
    await expect(steps.createTask({ task, run: RUN })).rejects.toThrow("nope");
    records.failNext("fail", lostResponse, { afterApplying: true });
    const event = { task, run: RUN, error: { Error: "TaskPermanentError", Cause: "nope" } };
    await expect(steps.markFailed(event)).rejects.toMatchObject({ name: "TaskRetryableError" });

    // Act
    const retried = await steps.markFailed(event);

    // Assess
    expect(retried.recorded).toBe(true);
    const record = await records.get(task.id);
    expect(record?.timeline.filter((e) => e.event === "failed")).toHaveLength(1);
  });

  it("fails a generation no execution claimed, such as one whose claim never applied", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", {});

    // Act
    const summary = await steps.markFailed({
      task,
      error: { Error: "States.Timeout", Cause: "Task timed out" },
    });

    // Assess
    expect(summary).toMatchObject({ recorded: true, attempts: 0 });
    expect(await records.get(task.id)).toMatchObject({
      status: "failed",
      error: { name: "States.Timeout", message: "Task timed out" },
    });
  });

  it("keeps at most ERROR_MESSAGE_MAX_LENGTH characters of a message", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("echo", {});

    // Act
    const summary = await steps.markFailed({
      task,
      error: { Error: "TaskPermanentError", Cause: "x".repeat(50_000) },
    });

    // Assess
    expect(summary.cause).toHaveLength(ERROR_MESSAGE_MAX_LENGTH);
    expect(summary.cause.endsWith("…")).toBe(true);
    expect((await records.get(task.id))?.error?.message).toBe(summary.cause);
  });

  it("reads the message out of the JSON cause AWS gives for a Lambda error", () => {
    const cause = JSON.stringify({
      errorType: "TaskRetryableError",
      errorMessage: "still down",
      trace: ["TaskRetryableError: still down", "    at start (index.mjs:1:1)"],
    });

    expect(caughtErrorInfo({ Error: "TaskRetryableError", Cause: cause })).toEqual({
      name: "TaskRetryableError",
      message: "still down",
    });
    expect(caughtErrorInfo({ Error: "States.Timeout", Cause: "Task timed out" })).toEqual({
      name: "States.Timeout",
      message: "Task timed out",
    });
  });
});

describe("errors from AWS services a task calls", () => {
  /** A task whose `start` throws `error`, as a task calling a failing service would. */
  const taskThrowing = (type: string, description: string, error: Error) =>
    defineTask(
      { type, description, input: z.object({}), output: z.object({}) },
      {
        start: () => {
          throw error;
        },
      },
    );

  const throttling = Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400 },
  });
  const refused = new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
      code: "ECONNREFUSED",
    }),
  });
  const denied = Object.assign(new Error("Access Denied"), {
    name: "AccessDenied",
    $fault: "client",
    $metadata: { httpStatusCode: 403 },
  });

  it.each([
    {
      title: "are retried when the SDK marks them transient, and keep their name in the message",
      error: throttling,
      name: "TaskRetryableError",
      message: "ThrottlingException: Rate exceeded",
    },
    {
      title: "are retried when the network failed, also behind fetch's TypeError",
      error: refused,
      name: "TaskRetryableError",
      message: "TypeError: fetch failed",
    },
    {
      title: "are not retried when they are the caller's fault",
      error: denied,
      name: "AccessDenied",
      message: "Access Denied",
    },
  ])("$title", async ({ error, name, message }) => {
    // Prepare
    const { steps, queued } = stepsWith([
      taskThrowing("calls-aws", "Calls an AWS service that fails.", error),
    ]);

    // Act
    const outcome = steps.createTask({ task: queued("calls-aws", {}), run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name });
    await expect(outcome).rejects.toThrow(message);
  });
});

describe("trouble with the table and the buckets the steps use", () => {
  type Steps = ReturnType<typeof createTaskSteps>;
  type Tools = ReturnType<typeof stepsWith>;
  /** Does what the step needs first, then returns the call the fault is armed for. */
  type Setup = (tools: Tools) => Promise<() => Promise<unknown>>;
  type Arm = (tools: Tools & { blobs: FailingBlobStore }) => void;

  const started = async ({ steps, queued }: Tools, type: string, input: JsonValue) => {
    const task = queued(type, input);
    const step = await steps.createTask({ task, run: RUN });
    return { task, step };
  };
  const aSleepPolled: Setup = async (tools) => {
    const { task, step } = await started(tools, "sleep", { seconds: 5 });
    tools.clock.advance(1_000);
    return () => tools.steps.checkTaskStatus({ task, step, run: RUN });
  };
  const anEchoCreated: Setup = async ({ steps, queued }) => {
    const task = queued("echo", { text: "x".repeat(100) });
    return () => steps.createTask({ task, run: RUN });
  };
  const failing = (steps: Steps, task: TaskEnvelope) => () =>
    steps.markFailed({ task, run: RUN, error: { Error: "TaskPermanentError", Cause: "nope" } });

  const cases: Array<[string, Arm, Setup]> = [
    [
      "CreateTask claiming the attempt",
      ({ records }) => records.failNext("claimAttempt", throttled),
      anEchoCreated,
    ],
    [
      "CreateTask storing a large output",
      ({ blobs }) => blobs.failNext("put", /output\.json$/, slowDown),
      anEchoCreated,
    ],
    [
      "CheckTaskStatus reading the record",
      ({ records }) => records.failNext("get", throttled),
      aSleepPolled,
    ],
    [
      "CheckTaskStatus reading the running state",
      ({ blobs }) => blobs.failNext("get", /^states\//, slowDown),
      aSleepPolled,
    ],
    [
      "CheckTaskStatus storing the next running state",
      ({ blobs }) => blobs.failNext("put", /^states\//, slowDown),
      aSleepPolled,
    ],
    [
      "TaskCompleted writing the success",
      ({ records }) => records.failNext("complete", throttled),
      async (tools) => {
        const { task, step } = await started(tools, "echo", { n: 1 });
        return () => tools.steps.taskCompleted({ task, step, run: RUN });
      },
    ],
    [
      "MarkFailed writing the failure",
      ({ records }) => records.failNext("fail", throttled),
      async (tools) => failing(tools.steps, tools.queued("echo", {})),
    ],
  ];
  it.each(cases)(
    "%s: a throttled or 503 call is a TaskRetryableError, and the retry goes through",
    async (_case, arm, setup) => {
      // Prepare: a 0-byte inline limit sends every state and output to S3.
      const blobs = new FailingBlobStore();
      const tools = stepsWith(exampleTasks, 0, blobs);
      const act = await setup(tools);
      arm({ ...tools, blobs });

      // Act
      const failed = act();

      // Assess
      await expect(failed).rejects.toMatchObject({ name: "TaskRetryableError" });
      expect(blobs.pendingFaults + tools.records.pendingFaults).toBe(0);
      await expect(act()).resolves.toBeDefined();
    },
  );

  it("does not count an attempt whose claim did not apply, and runs nothing for it", async () => {
    // Prepare
    const counted = counting();
    const { steps, records, queued } = stepsWith([counted.task]);
    const task = queued("counted", {});
    records.failNext("claimAttempt", throttled);

    // Act
    await expect(steps.createTask({ task, run: RUN })).rejects.toThrow(
      "ProvisionedThroughputExceededException",
    );
    const outcome = await steps.createTask({ task, run: RUN });

    // Assess
    expect(outcome).toMatchObject({ status: "running", attempt: 1 });
    expect(counted.calls.start).toBe(1);
  });

  it("keeps the task's own error when noting it in the record fails", async () => {
    // Prepare
    const { steps, records, queued } = stepsWith();
    const task = queued("flaky", { failures: 1 });
    records.failNext("recordAttemptError", throttled);

    // Act
    const outcome = steps.createTask({ task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "TaskRetryableError" });
    await expect(outcome).rejects.toThrow("attempt 1");
    expect(records.pendingFaults).toBe(0);
  });

  it("retries a connection the network dropped", async () => {
    // Prepare
    const blobs = new FailingBlobStore();
    const { steps, queued } = stepsWith(exampleTasks, undefined, blobs);
    const task = queued("echo", null, {
      input: { kind: "s3", bucket: BUCKETS.payloads, key: "inputs/x.json", bytes: 2 },
    });
    blobs.failNext("get", /^inputs\//, connectionReset);

    // Act
    const outcome = steps.createTask({ task, run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "TaskRetryableError" });
    await expect(outcome).rejects.toThrow("socket hang up");
  });

  it("keeps an error retrying cannot fix, such as AccessDenied, under its own name", async () => {
    // Prepare
    const blobs = new FailingBlobStore();
    const { steps, queued } = stepsWith(exampleTasks, 0, blobs);
    blobs.failNext("put", /output\.json$/, accessDenied);

    // Act
    const outcome = steps.createTask({ task: queued("echo", { a: 1 }), run: RUN });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "AccessDenied", message: "Access Denied" });
  });
});
