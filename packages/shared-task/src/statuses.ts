// The task statuses, with no dependency at all: API clients and browser code import this file.

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

/** What every view of a task shows: which task, where its generation stands, and when. */
export interface TaskHeadline {
  id: string;
  type: string;
  status: TaskStatus;
  generation: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}
