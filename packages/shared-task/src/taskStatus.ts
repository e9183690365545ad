import type { Payload } from "./payload.js";
import type {
  AttemptLedger,
  CancellationRecord,
  FailureRecord,
  ResultRecord,
  TaskErrorInfo,
  TaskRecord,
} from "./records.js";

export const TASK_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  "succeeded",
  "failed",
  "cancelled",
]);

export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Step Functions' execution statuses (DescribeExecution). */
export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";

/** The parts of DescribeExecution the status model reads. */
export interface ExecutionSummary {
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date | undefined;
  error?: string | undefined;
  cause?: string | undefined;
}

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
}

export interface TaskFacts {
  record: TaskRecord;
  execution?: ExecutionSummary | undefined;
  ledger?: AttemptLedger | undefined;
  result?: ResultRecord | undefined;
  failure?: FailureRecord | undefined;
  cancellation?: CancellationRecord | undefined;
}

/**
 * The status of a task's current generation, from what the producer recorded, what Step
 * Functions says about the execution, and the records the workflow wrote.
 *
 * The workflow's own records win (they are written just before the execution ends); then the
 * execution; a task with no execution yet is `queued`, or `cancelled` once a cancellation
 * marker exists for its generation.
 */
export function deriveTaskView(facts: TaskFacts): TaskView {
  const { record, execution, ledger, result, failure, cancellation } = facts;
  const base = {
    id: record.id,
    type: record.type,
    generation: record.generation,
    createdAt: record.createdAt,
  };
  const attempts = result?.attempts ?? failure?.attempts ?? ledger?.attempts ?? 0;
  const startedAt = execution?.startDate.toISOString() ?? ledger?.firstStartedAt;
  const withStart = startedAt ? { startedAt } : {};
  const latest = (...times: (string | undefined)[]) =>
    times
      .filter((t): t is string => t !== undefined)
      .sort()
      .at(-1) ?? record.updatedAt;

  if (result) {
    return {
      ...base,
      ...withStart,
      status: "succeeded",
      attempts,
      output: result.output,
      finishedAt: result.completedAt,
      updatedAt: latest(record.updatedAt, result.completedAt),
    };
  }
  if (failure) {
    return {
      ...base,
      ...withStart,
      status: "failed",
      attempts,
      error: failure.error,
      finishedAt: failure.failedAt,
      updatedAt: latest(record.updatedAt, failure.failedAt),
    };
  }
  if (execution) {
    const stoppedAt = execution.stopDate?.toISOString();
    const finished = stoppedAt ? { finishedAt: stoppedAt } : {};
    const updatedAt = latest(record.updatedAt, startedAt, ledger?.lastStartedAt, stoppedAt);
    switch (execution.status) {
      case "RUNNING":
      case "PENDING_REDRIVE":
        return {
          ...base,
          ...withStart,
          status: "running",
          attempts,
          updatedAt,
          ...(ledger?.lastError ? { error: ledger.lastError } : {}),
        };
      case "ABORTED":
        return { ...base, ...withStart, ...finished, status: "cancelled", attempts, updatedAt };
      case "SUCCEEDED":
        // The workflow writes the result before it succeeds; reaching here means it was removed.
        return { ...base, ...withStart, ...finished, status: "succeeded", attempts, updatedAt };
      case "FAILED":
      case "TIMED_OUT":
        return {
          ...base,
          ...withStart,
          ...finished,
          status: "failed",
          attempts,
          updatedAt,
          error: {
            name:
              execution.error ??
              (execution.status === "TIMED_OUT" ? "States.Timeout" : "ExecutionFailed"),
            message: execution.cause ?? `the execution ended ${execution.status}`,
          },
        };
    }
  }
  if (cancellation) {
    return {
      ...base,
      status: "cancelled",
      attempts,
      finishedAt: cancellation.cancelledAt,
      updatedAt: latest(record.updatedAt, cancellation.cancelledAt),
    };
  }
  return { ...base, status: "queued", attempts, updatedAt: record.updatedAt };
}
