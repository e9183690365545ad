import { STATE_NAMES } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import {
  describePath,
  generationPath,
  numberAttempts,
  timelineOf,
} from "../src/app/model/timeline.js";
import type { TaskResource, TaskSummary, TimelineEntry } from "../src/app/model/types.js";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();

function events(
  generation: number,
  ...list: Omit<TimelineEntry, "generation" | "at">[]
): TimelineEntry[] {
  return list.map((e, i) => ({ at: at(generation * 100 + i), generation, ...e }));
}

const retryable = { name: "TaskRetryableError", message: "try again" };

describe("generationPath", () => {
  it("draws a flaky task's retries as retries of CreateTask, then the way to Succeeded", () => {
    const timeline = events(
      1,
      { event: "queued" },
      { event: "attempt-started", attempt: 1 },
      { event: "attempt-failed", attempt: 1, retryable: true, error: retryable },
      { event: "attempt-started", attempt: 2 },
      { event: "attempt-failed", attempt: 2, retryable: true, error: retryable },
      { event: "attempt-started", attempt: 3 },
      { event: "succeeded" },
    );

    const path = generationPath(timeline, 1, STATE_NAMES);

    expect(path.outcome).toBe("succeeded");
    expect(path.attempts).toBe(3);
    expect(path.states.CreateTask).toEqual({ visits: 3, retries: 2 });
    expect(path.edges).toEqual({
      "CreateTask>IsTaskDone": 1,
      "IsTaskDone>TaskCompleted": 1,
      "TaskCompleted>Succeeded": 1,
    });
    expect(path.current).toBe("Succeeded");
    expect(describePath(path, STATE_NAMES)).toBe(
      "Generation 1: CreateTask (3 times, 2 retries) → IsTaskDone → TaskCompleted → Succeeded",
    );
  });

  it("turns the Wait ⇄ CheckTaskStatus loop once per poll", () => {
    const timeline = events(
      1,
      { event: "queued" },
      { event: "attempt-started", attempt: 1 },
      { event: "succeeded", polls: 3 },
    );

    const path = generationPath(timeline, 1, STATE_NAMES);

    expect(path.polls).toBe(3);
    expect(path.edges).toMatchObject({
      "CreateTask>IsTaskDone": 1,
      "IsTaskDone>WaitForTaskCompletion": 3,
      "WaitForTaskCompletion>CheckTaskStatus": 3,
      "CheckTaskStatus>IsTaskDone": 3,
      "IsTaskDone>TaskCompleted": 1,
    });
    expect(path.states.CheckTaskStatus).toEqual({ visits: 3, retries: 0 });
  });

  it("counts a failed poll that was retried as a retry of CheckTaskStatus", () => {
    const timeline = events(
      1,
      { event: "attempt-started", attempt: 1 },
      { event: "attempt-failed", polls: 1, retryable: true, error: retryable },
      { event: "succeeded", polls: 2 },
    );

    const path = generationPath(timeline, 1, STATE_NAMES);

    expect(path.states.CheckTaskStatus).toEqual({ visits: 3, retries: 1 });
  });

  it("catches a permanent failure into MarkFailed and ends in Failed", () => {
    const error = { name: "TaskPermanentError", message: "no" };
    const timeline = events(
      1,
      { event: "attempt-started", attempt: 1 },
      { event: "attempt-failed", attempt: 1, retryable: false, error },
      { event: "failed", error },
    );

    const path = generationPath(timeline, 1, STATE_NAMES);

    expect(path).toMatchObject({ outcome: "failed", error, current: "Failed" });
    expect(path.edges).toEqual({ "CreateTask>MarkFailed": 1, "MarkFailed>Failed": 1 });
    expect(path.states.CreateTask).toEqual({ visits: 1, retries: 0 });
  });

  it("sends a task past its poll limit through PollLimitExceeded", () => {
    const timeline = events(
      1,
      { event: "attempt-started", attempt: 1 },
      {
        event: "failed",
        polls: 2,
        error: { name: "TaskPollLimitExceeded", message: "after 2 polls" },
      },
    );

    const path = generationPath(timeline, 1, STATE_NAMES);

    expect(path.edges).toMatchObject({
      "CheckTaskStatus>IsTaskDone": 2,
      "IsTaskDone>PollLimitExceeded": 1,
      "PollLimitExceeded>MarkFailed": 1,
    });
  });

  it("keeps generations apart and says where a cancelled one stopped", () => {
    const timeline = [
      ...events(1, { event: "attempt-started", attempt: 1 }, { event: "failed", error: retryable }),
      ...events(
        2,
        { event: "queued", by: "ops" },
        { event: "attempt-started", attempt: 2 },
        { event: "cancelled", by: "ops" },
      ),
    ];

    const second = generationPath(timeline, 2, STATE_NAMES);

    expect(second).toMatchObject({ outcome: "cancelled", current: "CreateTask", attempts: 2 });
    expect(second.states.MarkFailed).toBeUndefined();
    expect(describePath(second, STATE_NAMES)).toBe(
      "Generation 2: CreateTask; cancelled in CreateTask",
    );
  });
});

describe("numberAttempts", () => {
  it("numbers the attempts that came without one, across generations", () => {
    const timeline = [
      ...events(
        1,
        { event: "attempt-started" },
        { event: "attempt-failed", attempt: 1 },
        { event: "attempt-started" },
        { event: "failed" },
      ),
      ...events(2, { event: "queued" }, { event: "attempt-started" }, { event: "succeeded" }),
    ];

    expect(numberAttempts(timeline).map((e) => e.attempt)).toEqual([
      1,
      1,
      2,
      undefined,
      undefined,
      3,
      undefined,
    ]);
  });
});

describe("timelineOf", () => {
  const task: TaskSummary = {
    id: "t",
    type: "flaky",
    status: "failed",
    generation: 2,
    attempts: 5,
    createdAt: at(0),
    updatedAt: at(9),
    startedAt: at(1),
    finishedAt: at(9),
    error: retryable,
  };

  it("orders the API's timeline by generation, then time", () => {
    const timeline: TimelineEntry[] = [
      { at: at(5), generation: 2, event: "queued" },
      { at: at(3), generation: 1, event: "failed" },
      { at: at(1), generation: 1, event: "queued" },
    ];

    expect(timelineOf({ ...task, timeline })).toEqual({
      events: [timeline[2], timeline[1], timeline[0]],
      derived: false,
    });
  });

  it("without one, tells what the record implies, and says it is derived", () => {
    expect(timelineOf(task as TaskResource)).toEqual({
      derived: true,
      events: [
        { at: at(0), generation: 2, event: "queued" },
        { at: at(1), generation: 2, event: "attempt-started", attempt: 5 },
        { at: at(9), generation: 2, event: "failed", error: retryable },
      ],
    });
  });
});
