import { describe, expect, it } from "vitest";
import { type ExecutionTransition, RuntimeLog } from "../src/index.js";

const TASK_ID = "0190f5b2-7c1e-7d3a-9f00-123456789abc";
const base = {
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:tasklane-dev-workflow:${TASK_ID}-g2`,
  executionName: `${TASK_ID}-g2`,
  stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-dev-workflow",
  workflowType: "STANDARD" as const,
  input: { task: { id: TASK_ID, type: "flaky" } },
};
const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, 0, ms));
const line = (
  log: RuntimeLog,
  t: Partial<ExecutionTransition> & Pick<ExecutionTransition, "type">,
) =>
  log
    .format({ kind: "transition", transition: { ...base, timestamp: at(0), ...t } })
    ?.replace(/^\S+\s+/, "");

describe("the pnpm dev log", () => {
  it("writes one line per meaningful transition, with the task's short id and type", () => {
    // Prepare
    const log = new RuntimeLog();
    const prefix = "task 56789abc  flaky       ";

    // Act
    const lines = [
      line(log, { type: "ExecutionStarted" }),
      line(log, { type: "StateEntered", state: { name: "CreateTask", type: "Task" } }),
      line(log, {
        type: "StateFailed",
        state: { name: "CreateTask", type: "Task" },
        error: "TaskRetryableError",
        cause: JSON.stringify({
          errorType: "TaskRetryableError",
          errorMessage: "not yet",
          trace: [],
        }),
      }),
      line(log, {
        type: "StateRetried",
        state: { name: "CreateTask", type: "Task" },
        retryAttempt: 1,
      }),
      line(log, { type: "StateExited", state: { name: "CreateTask", type: "Task" } }),
      line(log, { type: "StateEntered", state: { name: "IsTaskDone", type: "Choice" } }),
      line(log, { type: "ExecutionSucceeded", timestamp: at(250) }),
    ];

    // Assess
    expect(lines).toEqual([
      `${prefix}started: ${TASK_ID} generation 2`,
      `${prefix}→ CreateTask`,
      `${prefix}✗ CreateTask: TaskRetryableError: not yet`,
      `${prefix}↻ CreateTask retry 1`,
      undefined,
      undefined,
      `${prefix}succeeded in 250 ms`,
    ]);
  });

  it("says how an execution that did not succeed ended", () => {
    // Prepare
    const log = new RuntimeLog();

    // Act
    const failed = line(log, { type: "ExecutionFailed", error: "TaskPermanentError", cause: "no" });
    const stopped = line(log, {
      type: "ExecutionAborted",
      error: "TaskCancelled",
      cause: "by you",
    });

    // Assess
    expect(failed).toMatch(/failed: TaskPermanentError: no$/);
    expect(stopped).toMatch(/stopped: TaskCancelled: by you$/);
  });

  it("writes a request on one line, with the Location of an accepted task", () => {
    // Prepare
    const log = new RuntimeLog();
    const request = (extra: { statusCode: number; location?: string }) =>
      log.format({
        kind: "request",
        request: { method: "POST", path: "/tasks", durationMs: 34, ...extra },
      });

    // Act
    const accepted = request({ statusCode: 202, location: `/tasks/${TASK_ID}` });
    const refused = request({ statusCode: 422 });

    // Assess
    expect(accepted).toMatch(
      new RegExp(`  POST /tasks → 202 \\(34 ms\\)  Location: /tasks/${TASK_ID}$`),
    );
    expect(refused).toMatch(/ {2}POST \/tasks → 422 \(34 ms\)$/);
  });

  it("prints only failures when quiet", () => {
    // Prepare
    const log = new RuntimeLog({ quiet: true });

    // Act & Assess
    expect(line(log, { type: "ExecutionStarted" })).toBeUndefined();
    expect(
      log.format({
        kind: "batch",
        batch: { functionName: "tasklane-dev-start-executions", size: 3, failed: 1, durationMs: 5 },
      }),
    ).toMatch(/SQS batch of 3 → tasklane-dev-start-executions: 1 left for redelivery$/);
  });
});
