import { describe, expect, it } from "vitest";
import {
  deriveTaskView,
  type ExecutionSummary,
  isTerminalStatus,
  type TaskRecord,
} from "../src/index.js";

const record: TaskRecord = {
  v: 1,
  id: "0190f5b2-7c1e-7d3a-9f00-123456789abc",
  type: "echo",
  generation: 1,
  createdAt: "2026-11-25T10:00:00.000Z",
  updatedAt: "2026-11-25T10:00:00.000Z",
  input: { kind: "inline", value: {} },
  fingerprint: "a".repeat(64),
  correlationId: "c",
  enqueuedAt: "2026-11-25T10:00:00.010Z",
};

const running: ExecutionSummary = {
  status: "RUNNING",
  startDate: new Date("2026-11-25T10:00:01.000Z"),
};

const ledger = {
  attempts: 2,
  generationAttempts: 2,
  firstStartedAt: "2026-11-25T10:00:01.100Z",
  lastStartedAt: "2026-11-25T10:00:03.000Z",
  lastError: { name: "TaskRetryableError", message: "try again" },
};

describe("deriveTaskView", () => {
  it("is queued while no execution exists", () => {
    expect(deriveTaskView({ record })).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("is cancelled when cancelled before any execution started", () => {
    const view = deriveTaskView({
      record,
      cancellation: { id: record.id, generation: 1, cancelledAt: "2026-11-25T10:00:02.000Z" },
    });

    expect(view).toMatchObject({ status: "cancelled", finishedAt: "2026-11-25T10:00:02.000Z" });
  });

  it("is running, with the attempts and last error so far, while the execution runs", () => {
    const view = deriveTaskView({ record, execution: running, ledger });

    expect(view).toMatchObject({
      status: "running",
      attempts: 2,
      startedAt: "2026-11-25T10:00:01.000Z",
      updatedAt: "2026-11-25T10:00:03.000Z",
      error: { name: "TaskRetryableError" },
    });
  });

  it("is succeeded with the output once the result record exists", () => {
    const view = deriveTaskView({
      record,
      execution: { ...running, status: "SUCCEEDED" },
      result: {
        id: record.id,
        type: "echo",
        generation: 1,
        attempts: 1,
        polls: 0,
        completedAt: "2026-11-25T10:00:05.000Z",
        output: { kind: "inline", value: { ok: true } },
      },
    });

    expect(view).toMatchObject({
      status: "succeeded",
      attempts: 1,
      output: { kind: "inline", value: { ok: true } },
      finishedAt: "2026-11-25T10:00:05.000Z",
      updatedAt: "2026-11-25T10:00:05.000Z",
    });
  });

  it("is failed with the error and attempts once the failure record exists", () => {
    const view = deriveTaskView({
      record,
      execution: { ...running, status: "FAILED" },
      failure: {
        id: record.id,
        type: "echo",
        generation: 1,
        attempts: 4,
        failedAt: "2026-11-25T10:00:09.000Z",
        error: { name: "TaskRetryableError", message: "still down" },
      },
    });

    expect(view).toMatchObject({ status: "failed", attempts: 4, error: { message: "still down" } });
  });

  it("is cancelled when the execution was stopped", () => {
    const view = deriveTaskView({
      record,
      execution: { ...running, status: "ABORTED", stopDate: new Date("2026-11-25T10:00:04.000Z") },
    });

    expect(view).toMatchObject({ status: "cancelled", finishedAt: "2026-11-25T10:00:04.000Z" });
  });

  it.each([
    ["FAILED", "States.Runtime", "States.Runtime"],
    ["TIMED_OUT", undefined, "States.Timeout"],
  ] as const)(
    "is failed when the execution ended %s without a failure record",
    (status, error, name) => {
      const view = deriveTaskView({ record, execution: { ...running, status, error } });

      expect(view).toMatchObject({ status: "failed", error: { name } });
    },
  );
});

describe("isTerminalStatus", () => {
  it.each([
    ["queued", false],
    ["running", false],
    ["succeeded", true],
    ["failed", true],
    ["cancelled", true],
  ] as const)("%s -> %s", (status, terminal) => {
    expect(isTerminalStatus(status)).toBe(terminal);
  });
});
