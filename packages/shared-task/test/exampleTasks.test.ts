import { describe, expect, it } from "vitest";
import { type TaskContext, TaskPermanentError, TaskRetryableError } from "../src/index.js";
import { countText, echo, fail, flaky, sleep } from "../src/tasks.js";
import { manualClock } from "./helpers/factories.js";

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

  it("keeps running until the time has passed, then succeeds", async () => {
    const clock = manualClock();
    const started = await sleep.start({ seconds: 90 }, context({ now: clock.now }));
    if (started.status !== "running") throw new Error("sleep should run");
    expect(started.pollAfterSeconds).toBe(60);

    clock.advance(60_000);
    const early = await sleep.poll?.(started.state, context({ now: clock.now }));
    expect(early).toMatchObject({ status: "running", pollAfterSeconds: 30 });

    clock.advance(30_000);
    const done = await sleep.poll?.(started.state, context({ now: clock.now }));
    expect(done).toEqual({ status: "succeeded", output: { sleptSeconds: 90 } });
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
