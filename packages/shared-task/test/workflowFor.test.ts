import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EXPRESS_EXECUTION_MAX_SECONDS,
  expressWorkflowBounds,
  expressWorstCaseSeconds,
  resolveWorkflowBounds,
  WorkflowSettingsError,
  workflowFor,
} from "../src/index.js";
import { echo, exampleTasks, fail, flaky, sleep, wordCount } from "../src/tasks.js";

/** Pulumi.dev.yaml's and Pulumi.prod.yaml's workflow bounds, as the stack config derives them. */
const DEV = {
  taskRetry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10 },
  stepTimeoutSeconds: 65,
};
const PROD = {
  taskRetry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60 },
  stepTimeoutSeconds: 65,
};

describe("workflowFor", () => {
  describe.each([
    ["the default bounds", {}],
    ["the dev stack's bounds", DEV],
    ["the prod stack's bounds", PROD],
  ])("with %s", (_bounds, bounds) => {
    it.each([
      ["echo", echo, "express"],
      ["word-count", wordCount, "express"],
      ["fail", fail, "express"],
      ["flaky", flaky, "express"],
      ["sleep", sleep, "standard"],
    ] as const)("runs %s on %s", (_type, task, expected) => {
      expect(workflowFor(task, bounds)).toBe(expected);
    });
  });

  it("covers every example task", () => {
    expect(exampleTasks.map((t) => t.type).sort()).toEqual(
      ["echo", "fail", "flaky", "sleep", "word-count"].sort(),
    );
  });

  it("runs a task that polls on Standard, however short", () => {
    expect(workflowFor({ timeoutSeconds: 1, poll: () => undefined })).toBe("standard");
  });

  it("runs a task with no timeout on Standard: nothing bounds its start", () => {
    expect(workflowFor({})).toBe("standard");
  });

  it.each([
    [35, "express"],
    [36, "standard"],
  ] as const)("with the default bounds, runs a %i s task on %s", (timeoutSeconds, expected) => {
    expect(workflowFor({ timeoutSeconds })).toBe(expected);
  });

  it("moves a task to Standard when the retries take the room it needs", () => {
    const slowRetries = {
      taskRetry: { maxAttempts: 4, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 10 },
    };

    expect(workflowFor(flaky)).toBe("express");
    expect(workflowFor(flaky, slowRetries)).toBe("standard");
    expect(workflowFor(echo, slowRetries)).toBe("express");
  });

  it("refuses bounds that leave no room for Express, naming why", () => {
    expect(() =>
      workflowFor(echo, {
        taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
      }),
    ).toThrow(WorkflowSettingsError);
  });
});

describe("expressWorkflowBounds", () => {
  it.each([
    ["default", {}, 35],
    ["dev", DEV, 45],
    ["prod", PROD, 35],
  ])("gives tasks of up to the most seconds that fit (%s bounds)", (_name, bounds, seconds) => {
    const express = expressWorkflowBounds(bounds);

    expect(express.maxTaskSeconds).toBe(seconds);
    expect(express.timeouts).toEqual({ task: seconds + 5, record: 10 });
    expect(express.executionTimeoutSeconds).toBe(EXPRESS_EXECUTION_MAX_SECONDS);
  });

  it("never gives a step longer than the Standard one's", () => {
    const express = expressWorkflowBounds({ stepTimeoutSeconds: 8 });

    expect(express.timeouts).toEqual({ task: 8, record: 8 });
    expect(express.maxTaskSeconds).toBe(3);
  });

  it("fits every retry under 5 minutes, and nothing more would, whatever the retries", () => {
    const retrier = fc.record({
      maxAttempts: fc.integer({ min: 0, max: 10 }),
      intervalSeconds: fc.integer({ min: 1, max: 60 }),
      backoffRate: fc.double({ min: 1, max: 4, noNaN: true }),
      maxDelaySeconds: fc.integer({ min: 1, max: 600 }),
    });
    fc.assert(
      fc.property(
        retrier,
        retrier,
        fc.integer({ min: 8, max: 960 }),
        (taskRetry, lambdaRetry, stepTimeoutSeconds) => {
          const bounds = { taskRetry, lambdaRetry, stepTimeoutSeconds };
          const resolved = resolveWorkflowBounds(bounds);
          let express: ReturnType<typeof expressWorkflowBounds>;
          try {
            express = expressWorkflowBounds(bounds);
          } catch (error) {
            // Only when not even a 1 s task fits.
            expect(error).toBeInstanceOf(WorkflowSettingsError);
            const one = { task: 1 + 5, record: Math.min(stepTimeoutSeconds, 10) };
            expect(expressWorstCaseSeconds(1, resolved, one)).toBeGreaterThan(300);
            return;
          }
          const { maxTaskSeconds, timeouts } = express;
          expect(expressWorstCaseSeconds(maxTaskSeconds, resolved, timeouts)).toBeLessThanOrEqual(
            300,
          );
          expect(timeouts.task).toBeLessThanOrEqual(stepTimeoutSeconds);
          const next = { ...timeouts, task: timeouts.task + 1 };
          const atTheCap = timeouts.task === stepTimeoutSeconds;
          expect(
            atTheCap || expressWorstCaseSeconds(maxTaskSeconds + 1, resolved, next) > 300,
          ).toBe(true);
        },
      ),
    );
  });
});
