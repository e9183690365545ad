import { describe, expect, it } from "vitest";
import { exampleContracts } from "../src/contracts.js";
import {
  assertTasksFitWorkflow,
  failureReserveSeconds,
  resolveWorkflowBounds,
  WorkflowSettingsError,
} from "../src/index.js";

const NO_RETRY = { maxAttempts: 0, intervalSeconds: 1, backoffRate: 1, maxDelaySeconds: 1 };

describe("failureReserveSeconds", () => {
  it("with the default bounds, is about 10 minutes", () => {
    // Two 60 s steps around the longest retry pause (the third of 2, 4, 8 s), then MarkFailed:
    // 1 + 6 tries of 60 s (it retries anything, as many times as the two other retriers
    // together), with its 6 pauses of 1, 2, 4, 8, 16 and 32 s between them.
    expect(failureReserveSeconds(resolveWorkflowBounds())).toBe(120 + 8 + 420 + 63);
  });

  it("counts the pauses as Step Functions takes them: doubling, capped, never the cap alone", () => {
    const bounds = resolveWorkflowBounds({
      stepTimeoutSeconds: 10,
      taskRetry: { maxAttempts: 5, intervalSeconds: 3, backoffRate: 2, maxDelaySeconds: 20 },
      lambdaRetry: NO_RETRY,
    });

    // The task retrier pauses 3, 6, 12, 20, 20 s; MarkFailed's (5 tries, 1 s, x1, cap 20) 1 s each.
    expect(failureReserveSeconds(bounds)).toBe(2 * 10 + 20 + 6 * 10 + 5);
  });

  it("without retries, is two steps, a second's wait and MarkFailed once", () => {
    const bounds = resolveWorkflowBounds({
      stepTimeoutSeconds: 10,
      taskRetry: NO_RETRY,
      lambdaRetry: NO_RETRY,
    });

    expect(failureReserveSeconds(bounds)).toBe(2 * 10 + 1 + 10);
  });
});

describe("assertTasksFitWorkflow", () => {
  const task = (type: string, timeoutSeconds?: number) => ({ type, timeoutSeconds });

  it("accepts the example tasks under the default bounds", () => {
    expect(() => assertTasksFitWorkflow(exampleContracts)).not.toThrow();
  });

  it("accepts a timeout that leaves exactly the reserve, and tasks with no timeout", () => {
    const bounds = { executionTimeoutSeconds: 3_600 };
    const longest = 3_600 - failureReserveSeconds(resolveWorkflowBounds(bounds));

    expect(() =>
      assertTasksFitWorkflow([task("render", longest), task("echo")], bounds),
    ).not.toThrow();
  });

  it("rejects a timeout longer than the execution's, naming the task and the field", () => {
    const act = () => assertTasksFitWorkflow([task("render", 90_000)]);

    expect(act).toThrow(WorkflowSettingsError);
    expect(act).toThrow(
      "task `render`: `timeoutSeconds` 90000 does not fit the workflow's `executionTimeoutSeconds` 86400, which must also leave 611 s after the deadline to record the failure; lower it to at most 85789 or raise `executionTimeoutSeconds` to at least 90611",
    );
  });

  it("rejects a timeout that fits the execution but leaves no time to record the failure", () => {
    const bounds = { executionTimeoutSeconds: 3_600 };
    const longest = 3_600 - failureReserveSeconds(resolveWorkflowBounds(bounds));

    expect(() => assertTasksFitWorkflow([task("render", longest + 1)], bounds)).toThrow(
      `lower it to at most ${longest}`,
    );
  });

  it("says to raise the execution timeout when no task timeout could fit", () => {
    const act = () =>
      assertTasksFitWorkflow([task("render", 60)], { executionTimeoutSeconds: 600 });

    expect(act).toThrow("task `render`: `timeoutSeconds` 60");
    expect(act).toThrow("; raise `executionTimeoutSeconds` to at least 671");
  });

  it("names every task that does not fit", () => {
    let message = "";
    try {
      assertTasksFitWorkflow([task("a", 100_000), task("b", 60), task("c", 200_000)]);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toMatch(/^task `a`.*; task `c`/);
    expect(message).not.toContain("task `b`");
  });

  it("rejects bounds that are out of range, naming the setting", () => {
    expect(() => assertTasksFitWorkflow([], { stepTimeoutSeconds: 0 })).toThrow(
      "invalid workflow settings: `stepTimeoutSeconds`",
    );
  });
});
