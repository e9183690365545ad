import type { TaskSummary } from "@tasklane/api-client";
import { describe, expect, it } from "vitest";
import { summarizeActive, THROUGHPUT_MINUTES, throughputByMinute } from "../src/server/overview.js";

function task(fields: Partial<TaskSummary>): TaskSummary {
  return {
    id: "t",
    type: "echo",
    status: "succeeded",
    generation: 1,
    attempts: 1,
    createdAt: "2026-12-01T10:00:00.000Z",
    updatedAt: "2026-12-01T10:00:00.000Z",
    ...fields,
  };
}

describe("throughputByMinute", () => {
  it("counts finished tasks by the minute they finished in, by outcome, oldest minute first", () => {
    const now = new Date("2026-12-01T10:29:30.000Z");

    const minutes = throughputByMinute(
      [
        task({ status: "succeeded", finishedAt: "2026-12-01T10:29:10.000Z" }),
        task({ status: "succeeded", finishedAt: "2026-12-01T10:29:59.000Z" }),
        task({ status: "failed", finishedAt: "2026-12-01T10:28:00.000Z" }),
        task({ status: "cancelled", finishedAt: "2026-12-01T10:00:00.000Z" }),
        task({ status: "succeeded", finishedAt: "2026-12-01T09:00:00.000Z" }),
        task({ status: "running" }),
      ],
      now,
    );

    expect(minutes).toHaveLength(THROUGHPUT_MINUTES);
    expect(minutes[0]).toEqual({
      at: "2026-12-01T10:00:00.000Z",
      succeeded: 0,
      failed: 0,
      cancelled: 1,
    });
    expect(minutes.at(-2)).toEqual({
      at: "2026-12-01T10:28:00.000Z",
      succeeded: 0,
      failed: 1,
      cancelled: 0,
    });
    expect(minutes.at(-1)).toEqual({
      at: "2026-12-01T10:29:00.000Z",
      succeeded: 2,
      failed: 0,
      cancelled: 0,
    });
  });
});

describe("summarizeActive", () => {
  it("counts queued and running tasks and finds the oldest queued one", () => {
    const active = summarizeActive(
      [
        task({ status: "queued", createdAt: "2026-12-01T10:00:05.000Z" }),
        task({ status: "queued", createdAt: "2026-12-01T10:00:01.000Z" }),
        task({ status: "running" }),
      ],
      false,
    );

    expect(active).toEqual({
      queued: 2,
      running: 1,
      oldestQueuedAt: "2026-12-01T10:00:01.000Z",
      complete: false,
    });
  });
});
