import type { Payload } from "./payload.js";
import type { TaskErrorInfo, TaskRecord, TimelineEvent } from "./records.js";

export {
  CANCELLABLE_STATUSES,
  isTerminalStatus,
  RETRYABLE_STATUSES,
  TASK_STATUSES,
  type TaskHeadline,
  type TaskStatus,
  TERMINAL_STATUSES,
} from "../statuses.js";

import type { TaskHeadline } from "../statuses.js";

/** A task as the API shows it. `output` is the value, or a reference when it is large. */
export interface TaskView extends TaskHeadline {
  output?: Payload;
  error?: TaskErrorInfo;
  timeline: TimelineEvent[];
}

/**
 * The view of a task: its record says everything, so reading a task is one `GetItem` and never
 * asks Step Functions. While a retry of a failed attempt runs, `error` is the attempt's error.
 */
export function taskViewOf(record: TaskRecord): TaskView {
  const error = record.error ?? (record.status === "running" ? record.lastError : undefined);
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    generation: record.generation,
    attempts: record.attempts,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.output ? { output: record.output } : {}),
    ...(error ? { error } : {}),
    timeline: record.timeline,
  };
}

/** Step Functions' execution statuses, as the local Step Functions endpoint reports them. */
export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";
