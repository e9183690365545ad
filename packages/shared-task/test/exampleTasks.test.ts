import { describe, expect, it } from "vitest";
import { SLEEP_MAX_SECONDS, sleepContract } from "../src/contracts.js";
import {
  failureReserveSeconds,
  resolveWorkflowBounds,
  type TaskContext,
  TaskPermanentError,
  TaskRegistry,
  TaskRetryableError,
} from "../src/index.js";
import { createTaskSteps, type StepOutcome } from "../src/steps.js";
import {
  countText,
  echo,
  exampleTasks,
  fail,
  flaky,
  SLEEP_MAX_POLL_SECONDS,
  sleep,
} from "../src/tasks.js";
import { BUCKETS, envelopeFor, manualClock } from "./helpers/factories.js";
import { MemoryBlobStore } from "./helpers/memoryBlobStore.js";
import { MemoryStepRecords } from "./helpers/memoryStepRecords.js";

function context(overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    taskId: "0190f5b2-7c1e-7d3a-9f00-123456789abc",
    type: "test",
    generation: 1,
    attempt: 1,
    polls: 0,
    correlationId: "c",
    now: () => new Date(),
    ...overrides,
  };
}

describe("word-count's countText", () => {
  it.each([
    ["", { words: 0, lines: 0, characters: 0 }],
    ["hello", { words: 1, lines: 1, characters: 5 }],
    ["hello world\n", { words: 2, lines: 1, characters: 12 }],
    ["one\ntwo\n\nfour", { words: 3, lines: 4, characters: 13 }],
    ["a\r\nb\r\n", { words: 2, lines: 2, characters: 6 }],
    ["  spaced   out  ", { words: 2, lines: 1, characters: 16 }],
    ["naïve café 🚀", { words: 3, lines: 1, characters: 12 }],
  ])("counts %j", (text, counts) => {
    expect(countText(text)).toEqual(counts);
  });
});

describe("echo", () => {
  it("returns its input", async () => {
    expect(await echo.start({ a: [1, "b"] }, context())).toEqual({
      status: "succeeded",
      output: { a: [1, "b"] },
    });
  });
});

describe("sleep", () => {
  it("starts running and asks to be polled when the time is up", async () => {
    const clock = manualClock();

    const started = await sleep.start({ seconds: 5 }, context({ now: clock.now }));

    expect(started).toMatchObject({ status: "running", pollAfterSeconds: 5 });
  });

  it("keeps running until the time has passed, polling at most every 15 minutes, then succeeds", async () => {
    const clock = manualClock();
    const seconds = 2 * SLEEP_MAX_POLL_SECONDS + 30;
    const started = await sleep.start({ seconds }, context({ now: clock.now }));
    if (started.status !== "running") throw new Error("sleep should run");
    expect(SLEEP_MAX_POLL_SECONDS).toBe(900);
    expect(started.pollAfterSeconds).toBe(900);

    clock.advance(900_000);
    const early = await sleep.poll?.(started.state, context({ now: clock.now }));
    expect(early).toMatchObject({ status: "running", pollAfterSeconds: 900 });

    clock.advance(900_000);
    const later = await sleep.poll?.(started.state, context({ now: clock.now }));
    expect(later).toMatchObject({ status: "running", pollAfterSeconds: 30 });

    clock.advance(30_000);
    const done = await sleep.poll?.(started.state, context({ now: clock.now }));
    expect(done).toEqual({ status: "succeeded", output: { sleptSeconds: seconds } });
  });

  it("accepts at most SLEEP_MAX_SECONDS, which is under the default execution timeout", () => {
    const { executionTimeoutSeconds } = resolveWorkflowBounds();

    expect(sleepContract.input.safeParse({ seconds: SLEEP_MAX_SECONDS }).success).toBe(true);
    expect(sleepContract.input.safeParse({ seconds: SLEEP_MAX_SECONDS + 1 }).success).toBe(false);
    expect(SLEEP_MAX_SECONDS).toBeLessThan(executionTimeoutSeconds);
  });

  it("at its longest, finishes within the workflow's default maxPolls and execution timeout", async () => {
    // The workflow's loop, step by step: IsTaskDone stops at maxPolls, each Wait lasts what
    // the step asked, and every step is given a whole second to run.
    const bounds = resolveWorkflowBounds();
    const clock = manualClock();
    const records = new MemoryStepRecords(clock.now);
    const steps = createTaskSteps({
      tasks: new TaskRegistry(exampleTasks),
      records,
      store: new MemoryBlobStore(),
      buckets: BUCKETS,
      now: clock.now,
    });
    const task = envelopeFor("sleep", { seconds: SLEEP_MAX_SECONDS });
    records.seed(task);
    const run = "run-1";
    const startedAt = clock.now().getTime();

    let step: StepOutcome = await steps.createTask({ task, run });
    clock.advance(1_000);
    while (step.status === "running") {
      expect(step.polls).toBeLessThan(bounds.maxPolls);
      expect(step.pollAfterSeconds).toBeLessThanOrEqual(SLEEP_MAX_POLL_SECONDS);
      clock.advance(step.pollAfterSeconds * 1000);
      step = await steps.checkTaskStatus({ task, step, run });
      clock.advance(1_000);
    }
    const elapsedSeconds = (clock.now().getTime() - startedAt) / 1000;

    expect(step).toMatchObject({
      status: "succeeded",
      output: { value: { sleptSeconds: SLEEP_MAX_SECONDS } },
    });
    // What is left (TaskCompleted, or MarkFailed and its retries) still fits before the timeout.
    expect(elapsedSeconds + failureReserveSeconds(bounds)).toBeLessThanOrEqual(
      bounds.executionTimeoutSeconds,
    );
  });

  it("finishes at once for zero seconds", async () => {
    expect(await sleep.start({ seconds: 0 }, context())).toEqual({
      status: "succeeded",
      output: { sleptSeconds: 0 },
    });
  });
});

describe("flaky", () => {
  it.each([1, 2, 3])("throws a retryable error on attempt %i of 3 failures", async (attempt) => {
    await expect(async () => flaky.start({ failures: 3 }, context({ attempt }))).rejects.toThrow(
      TaskRetryableError,
    );
  });

  it("succeeds on the attempt after its failures", async () => {
    expect(await flaky.start({ failures: 3 }, context({ attempt: 4 }))).toEqual({
      status: "succeeded",
      output: { succeededOnAttempt: 4 },
    });
  });
});

describe("fail", () => {
  it("throws a permanent error with the reason", async () => {
    await expect(async () => fail.start({ reason: "no way" }, context())).rejects.toThrow(
      new TaskPermanentError("no way"),
    );
  });
});
