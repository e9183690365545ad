import { describe, expect, it } from "vitest";
import {
  CANCELLABLE_STATUSES,
  isTerminalStatus,
  RETRYABLE_STATUSES,
  TASK_STATUSES,
  type TaskRecord,
  taskRecordSchema,
  taskViewOf,
} from "../src/index.js";

const queued: TaskRecord = {
  id: "0190f5b2-7c1e-7d3a-9f00-123456789abc",
  type: "echo",
  owner: "arn:aws:iam::123456789012:user/alice",
  status: "queued",
  generation: 1,
  createdAt: "2026-11-25T10:00:00.000Z",
  updatedAt: "2026-11-25T10:00:00.000Z",
  input: { kind: "inline", value: { secret: "input" } },
  fingerprint: "a".repeat(64),
  correlationId: "c",
  attempts: 0,
  generationAttempts: 0,
  unsentSince: "2026-11-25T10:00:00.000Z",
  timeline: [{ at: "2026-11-25T10:00:00.000Z", generation: 1, event: "queued" }],
};

const running: TaskRecord = {
  ...queued,
  status: "running",
  runId: "run-1",
  attempts: 2,
  generationAttempts: 2,
  startedAt: "2026-11-25T10:00:01.000Z",
  lastStartedAt: "2026-11-25T10:00:03.000Z",
  updatedAt: "2026-11-25T10:00:03.000Z",
  lastError: { name: "TaskRetryableError", message: "try again" },
};

describe("taskViewOf", () => {
  it("shows a queued task with nothing run yet, and none of its input or bookkeeping", () => {
    // Act
    const view = taskViewOf(queued);

    // Assess
    expect(view).toEqual({
      id: queued.id,
      type: "echo",
      status: "queued",
      generation: 1,
      attempts: 0,
      createdAt: queued.createdAt,
      updatedAt: queued.updatedAt,
      timeline: queued.timeline,
    });
  });

  it("shows a running task's attempts so far, and the last attempt's error while a retry runs", () => {
    // Act
    const view = taskViewOf(running);

    // Assess
    expect(view).toMatchObject({
      status: "running",
      attempts: 2,
      startedAt: "2026-11-25T10:00:01.000Z",
      updatedAt: "2026-11-25T10:00:03.000Z",
      error: { name: "TaskRetryableError", message: "try again" },
    });
  });

  it("shows a succeeded task's output and when it finished", () => {
    // Prepare
    const succeeded: TaskRecord = {
      ...running,
      status: "succeeded",
      output: { kind: "inline", value: { ok: true } },
      finishedAt: "2026-11-25T10:00:05.000Z",
      updatedAt: "2026-11-25T10:00:05.000Z",
      polls: 0,
    };
    const { lastError: _gone, ...withoutLastError } = succeeded;

    // Act
    const view = taskViewOf(withoutLastError);

    // Assess
    expect(view).toMatchObject({
      status: "succeeded",
      output: { kind: "inline", value: { ok: true } },
      finishedAt: "2026-11-25T10:00:05.000Z",
    });
    expect(view).not.toHaveProperty("error");
  });

  it("shows a failed task's own error, not the last attempt's", () => {
    // Prepare
    const failed: TaskRecord = {
      ...running,
      status: "failed",
      error: { name: "TaskPermanentError", message: "bad data" },
      finishedAt: "2026-11-25T10:00:09.000Z",
    };

    // Act
    const view = taskViewOf(failed);

    // Assess
    expect(view).toMatchObject({ status: "failed", attempts: 2, error: { message: "bad data" } });
  });

  it("hides a stale attempt error once the task ended otherwise (cancelled)", () => {
    // Prepare
    const cancelled: TaskRecord = {
      ...running,
      status: "cancelled",
      cancelledBy: queued.owner,
      finishedAt: "2026-11-25T10:00:04.000Z",
    };

    // Act
    const view = taskViewOf(cancelled);

    // Assess
    expect(view).toMatchObject({ status: "cancelled", finishedAt: "2026-11-25T10:00:04.000Z" });
    expect(view).not.toHaveProperty("error");
  });
});

describe("taskRecordSchema", () => {
  it("takes a record as TaskRecords writes it", () => {
    expect(taskRecordSchema.parse(running)).toEqual(running);
  });

  it.each([
    ["without an owner", { owner: undefined }, "owner"],
    ["at generation 0", { generation: 0 }, "generation"],
    ["with an unknown status", { status: "paused" }, "status"],
    [
      "with an unknown timeline event",
      { timeline: [{ at: queued.createdAt, generation: 1, event: "x" }] },
      "timeline",
    ],
  ])("refuses a record %s", (_case, change, field) => {
    // Act
    const parsed = taskRecordSchema.safeParse({ ...queued, ...change });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toContain(field);
  });
});

describe("statuses", () => {
  it.each([
    ["queued", false],
    ["running", false],
    ["succeeded", true],
    ["failed", true],
    ["cancelled", true],
  ] as const)("%s is terminal: %s", (status, terminal) => {
    expect(isTerminalStatus(status)).toBe(terminal);
  });

  it("a task can be cancelled until it ends, and retried once it ended without succeeding", () => {
    expect(CANCELLABLE_STATUSES.every((s) => !isTerminalStatus(s))).toBe(true);
    expect(RETRYABLE_STATUSES.every((s) => isTerminalStatus(s))).toBe(true);
    expect([...CANCELLABLE_STATUSES, ...RETRYABLE_STATUSES, "succeeded"].sort()).toEqual(
      [...TASK_STATUSES].sort(),
    );
  });
});
