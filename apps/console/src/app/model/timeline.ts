import type { TaskResource, TaskSummary, TimelineEntry } from "./types.js";

/** The workflow's state names, as shared-task's `STATE_NAMES` has them. */
export interface StateNames {
  createTask: string;
  isTaskDone: string;
  waitForTaskCompletion: string;
  checkTaskStatus: string;
  pollLimitExceeded: string;
  taskCompleted: string;
  markFailed: string;
  succeeded: string;
  failed: string;
}

/** The error the poll loop's bound fails a task with (`ERROR_NAMES.pollLimitExceeded`). */
const POLL_LIMIT_ERROR = "TaskPollLimitExceeded";

/** The timeline to show: the API's, or, from an API without one, what the record tells. */
export function timelineOf(task: TaskResource): { events: TimelineEntry[]; derived: boolean } {
  // An API from before the timeline (a stack not redeployed yet) sends none.
  if (Array.isArray(task.timeline)) {
    const events = [...task.timeline].sort(
      (a, b) => a.generation - b.generation || Date.parse(a.at) - Date.parse(b.at),
    );
    return { events: numberAttempts(events), derived: false };
  }
  return { events: derivedTimeline(task), derived: true };
}

/**
 * Gives each `attempt-started` that carries no number the next one: attempts count over the
 * task's whole life (a retried task's generation 2 goes on from generation 1's last attempt).
 */
export function numberAttempts(events: readonly TimelineEntry[]): TimelineEntry[] {
  let last = 0;
  return events.map((event) => {
    if (event.attempt !== undefined) {
      last = Math.max(last, event.attempt);
      return event;
    }
    if (event.event !== "attempt-started") return event;
    last += 1;
    return { ...event, attempt: last };
  });
}

/**
 * The events a task's record implies, for an API that returns no timeline: it was queued, its
 * last attempt started, and it ended. Earlier generations and attempts cannot be told.
 */
export function derivedTimeline(task: TaskSummary): TimelineEntry[] {
  const generation = task.generation;
  const events: TimelineEntry[] = [{ at: task.createdAt, generation, event: "queued" }];
  if (task.startedAt && task.attempts > 0) {
    events.push({
      at: task.startedAt,
      generation,
      event: "attempt-started",
      attempt: task.attempts,
    });
  }
  if (task.status === "succeeded" || task.status === "failed" || task.status === "cancelled") {
    events.push({
      at: task.finishedAt ?? task.updatedAt,
      generation,
      event: task.status,
      ...(task.error ? { error: task.error } : {}),
    });
  }
  return events;
}

export function generationsOf(events: readonly TimelineEntry[]): number[] {
  return [...new Set(events.map((e) => e.generation))].sort((a, b) => a - b);
}

/** How one generation's execution went through the workflow. */
export interface GenerationPath {
  generation: number;
  /** Each state it entered: how often, and how many of those were retries after a failure. */
  states: Record<string, { visits: number; retries: number }>;
  /** Each transition it took (`"CreateTask>IsTaskDone"`), and how often. */
  edges: Record<string, number>;
  /** Where it is or where it stopped. */
  current?: string;
  outcome: "queued" | "not-enqueued" | "running" | "succeeded" | "failed" | "cancelled";
  attempts: number;
  polls: number;
  error?: { name: string; message: string };
}

export function edgeKey(from: string, to: string): string {
  return `${from}>${to}`;
}

/**
 * Replays one generation's events on the workflow's graph: an attempt starts `CreateTask`; a
 * retryable failure followed by more work is a retry of the state it happened in; `polls`
 * counts turns of the `WaitForTaskCompletion` ⇄ `CheckTaskStatus` loop; a success goes through
 * `TaskCompleted` to `Succeeded`; a failure is caught into `MarkFailed` and ends in `Failed`.
 */
export function generationPath(
  events: readonly TimelineEntry[],
  generation: number,
  names: StateNames,
): GenerationPath {
  const path: GenerationPath = {
    generation,
    states: {},
    edges: {},
    outcome: "queued",
    attempts: 0,
    polls: 0,
  };
  let current: string | undefined;
  let failedIn: string | undefined;
  const visit = (state: string, retry = false) => {
    const seen = path.states[state] ?? { visits: 0, retries: 0 };
    path.states[state] = seen;
    seen.visits++;
    if (retry) seen.retries++;
    current = state;
  };
  const go = (to: string) => {
    if (current !== undefined && current !== to) {
      const key = edgeKey(current, to);
      path.edges[key] = (path.edges[key] ?? 0) + 1;
    }
    visit(to);
  };
  const start = () => {
    if (current === undefined) visit(names.createTask);
  };
  /** A failure followed by more work was retried in the state it happened in. */
  const retried = () => {
    if (failedIn === undefined) return false;
    visit(failedIn, true);
    failedIn = undefined;
    return true;
  };
  const pollTo = (polls: number | undefined) => {
    if (polls === undefined || polls <= path.polls) return;
    start();
    retried();
    for (; path.polls < polls; path.polls++) {
      go(names.isTaskDone);
      go(names.waitForTaskCompletion);
      go(names.checkTaskStatus);
    }
  };
  /** The generation ended: the polls not seen yet, then the way to its final state. */
  const end = (
    polls: number | undefined,
    outcome: GenerationPath["outcome"],
    route: readonly string[],
  ) => {
    pollTo(polls);
    start();
    failedIn = undefined;
    for (const state of route) go(state);
    path.outcome = outcome;
  };

  for (const event of events) {
    if (event.generation !== generation) continue;
    switch (event.event) {
      case "queued":
        path.outcome = "queued";
        break;
      case "not-enqueued":
        path.outcome = "not-enqueued";
        break;
      case "attempt-started":
        path.outcome = "running";
        path.attempts = event.attempt ?? path.attempts + 1;
        if (current === undefined) start();
        else if (!retried() && current === names.createTask) visit(names.createTask);
        pollTo(event.polls);
        break;
      case "attempt-failed":
        pollTo(event.polls);
        start();
        if (event.error) path.error = event.error;
        failedIn = current;
        break;
      case "succeeded":
        end(event.polls, "succeeded", [names.isTaskDone, names.taskCompleted, names.succeeded]);
        break;
      case "failed": {
        if (event.error) path.error = event.error;
        const pollLimit = path.error?.name === POLL_LIMIT_ERROR;
        end(event.polls, "failed", [
          ...(pollLimit ? [names.isTaskDone, names.pollLimitExceeded] : []),
          names.markFailed,
          names.failed,
        ]);
        break;
      }
      case "cancelled":
        path.outcome = "cancelled";
        failedIn = undefined;
        break;
    }
  }
  if (current !== undefined) path.current = current;
  return path;
}

/** The path in words, for the graph's text alternative: "CreateTask (4 attempts, 3 retries) → ...". */
export function describePath(path: GenerationPath, names: StateNames): string {
  const order = [
    names.createTask,
    names.isTaskDone,
    names.waitForTaskCompletion,
    names.checkTaskStatus,
    names.pollLimitExceeded,
    names.taskCompleted,
    names.markFailed,
    names.succeeded,
    names.failed,
  ];
  const steps = order
    .filter((state) => path.states[state])
    .map((state) => {
      const seen = path.states[state] as { visits: number; retries: number };
      const notes = [
        seen.visits > 1 ? `${seen.visits} times` : "",
        seen.retries > 0 ? `${seen.retries} ${seen.retries === 1 ? "retry" : "retries"}` : "",
      ].filter(Boolean);
      return notes.length ? `${state} (${notes.join(", ")})` : state;
    });
  const ending =
    path.outcome === "cancelled"
      ? `; cancelled${path.current ? ` in ${path.current}` : ""}`
      : path.outcome === "running"
        ? `; now in ${path.current ?? names.createTask}`
        : "";
  if (steps.length === 0) return `Generation ${path.generation}: ${path.outcome}, not started yet`;
  return `Generation ${path.generation}: ${steps.join(" → ")}${ending}`;
}
