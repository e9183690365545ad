import type { Payload } from "./payload.js";
import type { TaskErrorInfo, TaskRecord, TimelineEvent } from "./records.js";

export const TASK_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The statuses a generation ends in. */
export const TERMINAL_STATUSES = [
  "succeeded",
  "failed",
  "cancelled",
] as const satisfies readonly TaskStatus[];

export function isTerminalStatus(status: TaskStatus): boolean {
  return (TERMINAL_STATUSES as readonly TaskStatus[]).includes(status);
}

/** The statuses a retry starts from: the generation ended without succeeding. */
export const RETRYABLE_STATUSES = ["failed", "cancelled"] as const satisfies readonly TaskStatus[];

/** The statuses a cancellation ends: the generation has not ended yet. */
export const CANCELLABLE_STATUSES = ["queued", "running"] as const satisfies readonly TaskStatus[];

/** A task as the API shows it. `output` is the value, or a reference when it is large. */
export interface TaskView {
  id: string;
  type: string;
  status: TaskStatus;
  generation: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
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
