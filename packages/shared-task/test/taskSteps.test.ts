import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type AnyTaskDefinition,
  type BlobStore,
  defineTask,
  defineTaskContract,
  MemoryBlobStore,
  s3Keys,
  TaskRegistry,
} from "../src/index.js";
import { caughtErrorInfo, createTaskSteps, type StepOutcome } from "../src/steps.js";
import { exampleTasks, SLEEP_MAX_POLL_SECONDS } from "../src/tasks.js";
import { BUCKETS, envelopeFor, manualClock, neverFinishing } from "./helpers/factories.js";
import {
  accessDenied,
  connectionReset,
  FailingBlobStore,
  slowDown,
} from "./helpers/failingBlobStore.js";

function stepsWith(
  tasks: readonly AnyTaskDefinition[] = exampleTasks,
  maxInlineBytes?: number,
  store: BlobStore = new MemoryBlobStore(),
) {
  const clock = manualClock();
  const steps = createTaskSteps({
    tasks: new TaskRegistry(tasks),
    store,
    buckets: BUCKETS,
    now: clock.now,
    ...(maxInlineBytes === undefined ? {} : { maxInlineBytes }),
  });
  return { steps, store, clock };
}

describe("CreateTask", () => {
  it("runs start and returns the output inline when it is small", async () => {
    const { steps } = stepsWith();
    const task = envelopeFor("word-count", { text: "a b c" });

    const outcome = await steps.createTask({ task });

    expect(outcome).toEqual({
      status: "succeeded",
      attempt: 1,
      polls: 0,
      output: { kind: "inline", value: { words: 3, lines: 1, characters: 5 } },
    });
  });

  it("counts attempts in the ledger, as Step Functions' Retry calls it again with the same input", async () => {
    // On AWS a retry re-invokes the Lambda with an identical event; nothing in the event says
    // which attempt it is. The ledger in S3 is what numbers them, here as on AWS.
    const { steps, store } = stepsWith();
    const task = envelopeFor("flaky", { failures: 2 });
    const event = { task };

    await expect(steps.createTask(event)).rejects.toThrow("attempt 1");
    await expect(steps.createTask(event)).rejects.toThrow("attempt 2");
    const third = await steps.createTask(event);

    expect(third).toMatchObject({ status: "succeeded", attempt: 3 });
    const ledger = JSON.parse(
      (await store.getText({ bucket: BUCKETS.results, key: s3Keys.attempts(task.id, 1) })) ?? "",
    );
    expect(ledger).toMatchObject({ attempts: 3, lastError: { name: "TaskRetryableError" } });
  });

  it("continues the count in a retried task's next generation, so flaky can succeed there", async () => {
    const { steps, store } = stepsWith();
    const first = envelopeFor("flaky", { failures: 2 });
    await expect(steps.createTask({ task: first })).rejects.toThrow("attempt 1");
    await expect(steps.createTask({ task: first })).rejects.toThrow("attempt 2");

    const retried = { ...first, generation: 2 };
    const outcome = await steps.createTask({ task: retried });

    expect(outcome).toMatchObject({ status: "succeeded", attempt: 3 });
    const ledger = JSON.parse(
      (await store.getText({ bucket: BUCKETS.results, key: s3Keys.attempts(first.id, 2) })) ?? "",
    );
    expect(ledger).toMatchObject({ attempts: 3, generationAttempts: 1 });
    expect(ledger).not.toHaveProperty("lastError");
  });

  it("reads an input stored in S3 and stores a large output in the results bucket", async () => {
    const { steps, store } = stepsWith(exampleTasks, 1024);
    const text = "word ".repeat(1000);
    const base = envelopeFor("echo", null);
    const inputKey = s3Keys.input(base.id, "f".repeat(64));
    await store.putText({ bucket: BUCKETS.payloads, key: inputKey }, JSON.stringify({ text }));
    const task = {
      ...base,
      input: { kind: "s3" as const, bucket: BUCKETS.payloads, key: inputKey, bytes: 5_011 },
    };

    const outcome = await steps.createTask({ task });

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
    const { steps } = stepsWith();

    await expect(
      steps.createTask({ task: envelopeFor("word-count", { text: 42 }) }),
    ).rejects.toMatchObject({
      name: "TaskInputError",
      issues: [{ path: "input.text", message: expect.any(String) }],
    });
  });

  it("fails with UnknownTaskTypeError for a type this consumer does not have", async () => {
    const { steps } = stepsWith();

    await expect(steps.createTask({ task: envelopeFor("resize", {}) })).rejects.toMatchObject({
      name: "UnknownTaskTypeError",
    });
  });

  it("fails with PayloadError when the referenced input is gone", async () => {
    const { steps } = stepsWith();
    const base = envelopeFor("echo", null);
    const task = {
      ...base,
      input: { kind: "s3" as const, bucket: BUCKETS.payloads, key: "inputs/gone.json", bytes: 9 },
    };

    await expect(steps.createTask({ task })).rejects.toMatchObject({ name: "PayloadError" });
  });

  it("fails with EnvelopeError when the event holds no valid task", async () => {
    const { steps } = stepsWith();

    await expect(steps.createTask({ task: { v: 1 } })).rejects.toMatchObject({
      name: "EnvelopeError",
    });
    await expect(steps.createTask("nope")).rejects.toMatchObject({ name: "EnvelopeError" });
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
  ])("rejects %s as a permanent error", async (_case, mode, name, message) => {
    const { steps } = stepsWith([bad]);

    const outcome = steps.createTask({ task: envelopeFor("bad", { mode }) });

    await expect(outcome).rejects.toMatchObject({ name });
    await expect(outcome).rejects.toThrow(message);
  });
});

describe("CheckTaskStatus", () => {
  it("polls with the running state and counts the polls", async () => {
    const { steps, clock } = stepsWith();
    const seconds = SLEEP_MAX_POLL_SECONDS + 100;
    const task = envelopeFor("sleep", { seconds });
    const started = await steps.createTask({ task });
    expect(started).toMatchObject({
      status: "running",
      polls: 0,
      pollAfterSeconds: SLEEP_MAX_POLL_SECONDS,
    });

    clock.advance(SLEEP_MAX_POLL_SECONDS * 1000);
    const first = await steps.checkTaskStatus({ task, step: started });
    clock.advance(100_000);
    const second = await steps.checkTaskStatus({ task, step: first });

    expect(first).toMatchObject({ status: "running", polls: 1, pollAfterSeconds: 100, attempt: 1 });
    expect(second).toEqual({
      status: "succeeded",
      attempt: 1,
      polls: 2,
      output: { kind: "inline", value: { sleptSeconds: seconds } },
    });
  });

  it("stops a task that passes its own timeoutSeconds with TaskTimeoutError", async () => {
    const slow = neverFinishing({
      type: "slow",
      description: "Never finishes.",
      timeoutSeconds: 10,
      pollAfterSeconds: 5,
    });
    const { steps, clock } = stepsWith([slow]);
    const task = envelopeFor("slow", {});
    const started = (await steps.createTask({ task })) as StepOutcome;
    expect(started).toMatchObject({ deadline: "2026-11-25T10:00:10.000Z" });

    clock.advance(11_000);

    await expect(steps.checkTaskStatus({ task, step: started })).rejects.toMatchObject({
      name: "TaskTimeoutError",
    });
  });

  it("shortens a wait that would end past the task's deadline, so the timeout is noticed on time", async () => {
    const patient = neverFinishing({
      type: "patient",
      description: "Asks to be polled an hour later.",
      timeoutSeconds: 10,
      pollAfterSeconds: 3_600,
    });
    const { steps, clock } = stepsWith([patient]);
    const task = envelopeFor("patient", {});

    const started = await steps.createTask({ task });
    clock.advance(8_500);
    const polled = await steps.checkTaskStatus({ task, step: started });
    clock.advance(1_500);

    expect(started).toMatchObject({ status: "running", pollAfterSeconds: 10 });
    expect(polled).toMatchObject({ status: "running", pollAfterSeconds: 2 });
    await expect(steps.checkTaskStatus({ task, step: polled })).rejects.toMatchObject({
      name: "TaskTimeoutError",
    });
  });
});

describe("TaskCompleted and MarkFailed", () => {
  it("TaskCompleted writes the result record and returns a summary without the data", async () => {
    const { steps, store } = stepsWith();
    const task = envelopeFor("echo", { hello: "world" });
    const step = await steps.createTask({ task });

    const summary = await steps.taskCompleted({ task, step });

    expect(summary).toEqual({
      id: task.id,
      generation: 1,
      status: "succeeded",
      attempts: 1,
      polls: 0,
      resultKey: s3Keys.result(task.id, 1),
    });
    const record = JSON.parse(
      (await store.getText({ bucket: BUCKETS.results, key: summary.resultKey })) ?? "",
    );
    expect(record).toMatchObject({
      output: { kind: "inline", value: { hello: "world" } },
      attempts: 1,
    });
  });

  it("MarkFailed records the error and the attempts from the ledger", async () => {
    const { steps, store } = stepsWith();
    const task = envelopeFor("fail", { reason: "nope" });
    await expect(steps.createTask({ task })).rejects.toThrow("nope");

    const summary = await steps.markFailed({
      task,
      error: { Error: "TaskPermanentError", Cause: "nope" },
    });

    expect(summary).toMatchObject({
      status: "failed",
      attempts: 1,
      error: "TaskPermanentError",
      cause: "nope",
    });
    const record = JSON.parse(
      (await store.getText({ bucket: BUCKETS.results, key: summary.failureKey })) ?? "",
    );
    expect(record).toMatchObject({
      attempts: 1,
      error: { name: "TaskPermanentError", message: "nope" },
    });
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

describe("errors from AWS services", () => {
  /** A task whose `start` throws `error`, as a task calling a failing service would. */
  const taskThrowing = (type: string, description: string, error: Error) =>
    defineTask(
      defineTaskContract({ type, description, input: z.object({}), output: z.object({}) }),
      {
        start: () => {
          throw error;
        },
      },
    );

  it("are retried when the SDK marks them transient, and keep their name in the message", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $fault: "client",
      $retryable: { throttling: true },
      $metadata: { httpStatusCode: 400 },
    });
    const { steps } = stepsWith([taskThrowing("calls-aws", "Calls a throttled API.", throttled)]);

    const outcome = steps.createTask({ task: envelopeFor("calls-aws", {}) });

    await expect(outcome).rejects.toMatchObject({ name: "TaskRetryableError" });
    await expect(outcome).rejects.toThrow("ThrottlingException: Rate exceeded");
  });

  it("are retried when the network failed, also behind fetch's TypeError", async () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
        code: "ECONNREFUSED",
      }),
    });
    const { steps } = stepsWith([taskThrowing("calls-api", "Calls an API that is down.", refused)]);

    const outcome = steps.createTask({ task: envelopeFor("calls-api", {}) });

    await expect(outcome).rejects.toMatchObject({ name: "TaskRetryableError" });
    await expect(outcome).rejects.toThrow("TypeError: fetch failed");
  });

  it("are not retried when they are the caller's fault", async () => {
    const denied = Object.assign(new Error("Access Denied"), {
      name: "AccessDenied",
      $fault: "client",
      $metadata: { httpStatusCode: 403 },
    });
    const { steps } = stepsWith([taskThrowing("calls-aws", "Calls a forbidden API.", denied)]);

    await expect(steps.createTask({ task: envelopeFor("calls-aws", {}) })).rejects.toMatchObject({
      name: "AccessDenied",
    });
  });
});

describe("trouble with the store (S3) the steps keep their own records in", () => {
  type Setup = (
    steps: ReturnType<typeof createTaskSteps>,
    clock: ReturnType<typeof manualClock>,
  ) => Promise<() => Promise<unknown>>;
  const ATTEMPTS = /attempts\.json$/;
  const STATES = /^states\//;

  const aSleepPolledAfterASecond: Setup = async (steps, clock) => {
    const task = envelopeFor("sleep", { seconds: 5 });
    const step = await steps.createTask({ task });
    clock.advance(1_000);
    return () => steps.checkTaskStatus({ task, step });
  };

  // Each case does what the step needs first, then returns the call the fault is armed for.
  const cases: Array<[string, "get" | "put", RegExp, Setup]> = [
    [
      "CreateTask reading the attempt ledger",
      "get",
      ATTEMPTS,
      async (steps) => () => steps.createTask({ task: envelopeFor("echo", 1) }),
    ],
    [
      "CreateTask writing the attempt ledger",
      "put",
      ATTEMPTS,
      async (steps) => () => steps.createTask({ task: envelopeFor("echo", 1) }),
    ],
    ["CheckTaskStatus reading the running state", "get", STATES, aSleepPolledAfterASecond],
    ["CheckTaskStatus storing the next running state", "put", STATES, aSleepPolledAfterASecond],
    [
      "TaskCompleted writing the result record",
      "put",
      /result\.json$/,
      async (steps) => {
        const task = envelopeFor("echo", 1);
        const step = await steps.createTask({ task });
        return () => steps.taskCompleted({ task, step });
      },
    ],
    [
      "MarkFailed reading the attempt ledger",
      "get",
      ATTEMPTS,
      async (steps) => () =>
        steps.markFailed({
          task: envelopeFor("fail", {}),
          error: { Error: "TaskPermanentError", Cause: "nope" },
        }),
    ],
    [
      "MarkFailed writing the failure record",
      "put",
      /failure\.json$/,
      async (steps) => () =>
        steps.markFailed({
          task: envelopeFor("fail", {}),
          error: { Error: "TaskPermanentError", Cause: "nope" },
        }),
    ],
  ];
  it.each(cases)(
    "%s: a 503 SlowDown is a TaskRetryableError, and the retry goes through",
    async (_case, operation, key, setup) => {
      // Running states are tiny; a 0-byte inline limit sends them to S3 like large ones.
      const store = new FailingBlobStore();
      const { steps, clock } = stepsWith(exampleTasks, 0, store);
      const act = await setup(steps, clock);
      store.failNext(operation, key, slowDown);

      const failed = act();

      await expect(failed).rejects.toMatchObject({ name: "TaskRetryableError" });
      await expect(failed).rejects.toThrow("SlowDown: Please reduce your request rate.");
      expect(store.pendingFaults).toBe(0);
      await expect(act()).resolves.toBeDefined();
    },
  );

  it("does not count an attempt whose ledger could not be written", async () => {
    const store = new FailingBlobStore();
    const { steps } = stepsWith(exampleTasks, undefined, store);
    const task = envelopeFor("flaky", { failures: 1 });
    store.failNext("put", ATTEMPTS, slowDown);

    await expect(steps.createTask({ task })).rejects.toThrow("SlowDown");
    await expect(steps.createTask({ task })).rejects.toThrow("attempt 1");
    const outcome = await steps.createTask({ task });

    expect(outcome).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("retries a connection the network dropped", async () => {
    const store = new FailingBlobStore();
    const { steps } = stepsWith(exampleTasks, undefined, store);
    store.failNext("get", ATTEMPTS, connectionReset);

    const outcome = steps.createTask({ task: envelopeFor("echo", 1) });

    await expect(outcome).rejects.toMatchObject({ name: "TaskRetryableError" });
    await expect(outcome).rejects.toThrow("socket hang up");
  });

  it("keeps an error retrying cannot fix, such as AccessDenied, under its own name", async () => {
    const store = new FailingBlobStore();
    const { steps } = stepsWith(exampleTasks, undefined, store);
    store.failNext("put", ATTEMPTS, accessDenied);

    await expect(steps.createTask({ task: envelopeFor("echo", 1) })).rejects.toMatchObject({
      name: "AccessDenied",
      message: "Access Denied",
    });
  });

  it("fails with PayloadError naming the object when the attempt ledger is not one", async () => {
    const { steps, store } = stepsWith();
    const task = envelopeFor("echo", 1);
    const key = s3Keys.attempts(task.id, 1);
    await store.putText({ bucket: BUCKETS.results, key }, JSON.stringify({ attempts: "many" }));

    const outcome = steps.createTask({ task });

    await expect(outcome).rejects.toMatchObject({ name: "PayloadError" });
    await expect(outcome).rejects.toThrow(
      `s3://${BUCKETS.results}/${key} is not a valid attempt ledger`,
    );
  });
});
