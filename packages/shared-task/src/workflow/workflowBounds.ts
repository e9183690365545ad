import * as z from "zod";
import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_POLLS,
  EXPRESS_EXECUTION_MAX_SECONDS,
  EXPRESS_RECORD_STEP_TIMEOUT_SECONDS,
  EXPRESS_STEP_OVERHEAD_SECONDS,
  MAX_POLLS_UPPER_BOUND,
} from "../constants.js";
import { WorkflowSettingsError } from "../errors.js";
import { describeIssues, fieldIssues } from "../fieldIssues.js";

// Bounds are those Step Functions enforces on a retrier.
export const retrierSettingsSchema = z.object({
  /** Retries after the first try; 0 disables retrying. */
  maxAttempts: z.int().min(0).max(99_999_999),
  /** Delay before the first retry; doubles (by `backoffRate`) on each later one. */
  intervalSeconds: z.int().min(1).max(99_999_999),
  backoffRate: z.number().min(1).max(10),
  /** Cap on any single delay, before jitter. */
  maxDelaySeconds: z.int().min(1).max(31_622_400),
});
export type RetrierSettings = z.infer<typeof retrierSettingsSchema>;

export const DEFAULT_TASK_RETRY: RetrierSettings = {
  maxAttempts: 3,
  intervalSeconds: 2,
  backoffRate: 2,
  maxDelaySeconds: 60,
};

export const DEFAULT_LAMBDA_RETRY: RetrierSettings = {
  maxAttempts: 3,
  intervalSeconds: 1,
  backoffRate: 2,
  maxDelaySeconds: 20,
};

/** The workflow's retries and time limits: everything but the functions it calls. */
export const workflowBoundsShape = {
  /** Retry of `TaskRetryableError`: by default 3 retries, so 4 attempts in all. */
  taskRetry: retrierSettingsSchema.default(DEFAULT_TASK_RETRY),
  /** Retry of Lambda's own service errors (throttling, faults), separate from the task's. */
  lambdaRetry: retrierSettingsSchema.default(DEFAULT_LAMBDA_RETRY),
  /** `TimeoutSeconds` of every Task state; keep it above the functions' own timeout. */
  stepTimeoutSeconds: z
    .int()
    .min(1)
    .max(900 + 60)
    .default(60),
  /** `TimeoutSeconds` of the whole execution (Standard workflows allow up to a year). */
  executionTimeoutSeconds: z
    .int()
    .min(1)
    .max(31_536_000)
    .default(DEFAULT_EXECUTION_TIMEOUT_SECONDS),
  /** Bound on the poll loop; keeps an execution inside Step Functions' 25,000-event history. */
  maxPolls: z.int().min(1).max(MAX_POLLS_UPPER_BOUND).default(DEFAULT_MAX_POLLS),
};

export const executionOutlastsSteps = (s: {
  executionTimeoutSeconds: number;
  stepTimeoutSeconds: number;
}) => s.executionTimeoutSeconds > s.stepTimeoutSeconds;
export const executionOutlastsStepsIssue = {
  path: ["executionTimeoutSeconds"],
  error: (issue: { input: unknown }) =>
    `must be longer than stepTimeoutSeconds (${(issue.input as { stepTimeoutSeconds: number }).stepTimeoutSeconds})`,
};

export const workflowBoundsSchema = z
  .object(workflowBoundsShape)
  .refine(executionOutlastsSteps, executionOutlastsStepsIssue);

export type WorkflowBounds = z.input<typeof workflowBoundsSchema>;
export type ResolvedWorkflowBounds = z.output<typeof workflowBoundsSchema>;

/** The two kinds of workflow Tasklane deploys; see {@link workflowFor}. */
export type WorkflowType = "standard" | "express";

/** The retries and time limits alone, defaults filled in; for checks that need no ARNs. */
export function resolveWorkflowBounds(bounds: WorkflowBounds = {}): ResolvedWorkflowBounds {
  return parseWorkflowInput(workflowBoundsSchema, bounds);
}

/** Parses with `schema`, or throws a `WorkflowSettingsError` naming every setting that is wrong. */
export function parseWorkflowInput<T extends z.ZodType>(schema: T, settings: unknown): z.output<T> {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new WorkflowSettingsError(`invalid workflow settings: ${describeIssues(issues)}`, {
      issues,
    });
  }
  return parsed.data;
}

/** MarkFailed's one retrier: as many tries as the two others together, at the longer pause. */
export function markFailedRetrySettings(bounds: {
  taskRetry: RetrierSettings;
  lambdaRetry: RetrierSettings;
}): RetrierSettings {
  const { taskRetry, lambdaRetry } = bounds;
  return {
    maxAttempts: taskRetry.maxAttempts + lambdaRetry.maxAttempts,
    intervalSeconds: lambdaRetry.intervalSeconds,
    backoffRate: lambdaRetry.backoffRate,
    maxDelaySeconds: Math.max(taskRetry.maxDelaySeconds, lambdaRetry.maxDelaySeconds),
  };
}

/**
 * The pauses of a retrier at their longest: retry `n` (from 0) waits
 * `IntervalSeconds × BackoffRate^n`, capped at `MaxDelaySeconds`; full jitter only shortens a
 * pause. `total` is all of them together, `longest` the last (they never shrink).
 */
function retryPausesSeconds(retrier: RetrierSettings): { total: number; longest: number } {
  const { maxAttempts, intervalSeconds, backoffRate, maxDelaySeconds } = retrier;
  let total = 0;
  let longest = 0;
  for (let n = 0; n < maxAttempts; n++) {
    const pause = Math.min(maxDelaySeconds, intervalSeconds * backoffRate ** n);
    longest = pause;
    if (pause === maxDelaySeconds || backoffRate === 1) {
      // Every later pause is this one again.
      total += pause * (maxAttempts - n);
      break;
    }
    total += pause;
  }
  return { total, longest };
}

/**
 * Longest a Task state can take with these retriers: every try runs until `timeoutSeconds`
 * (1 try, plus each retrier's `maxAttempts`: each retrier counts its own), with every pause at
 * its longest.
 */
function taskStateWorstSeconds(
  timeoutSeconds: number,
  retriers: readonly RetrierSettings[],
): number {
  const tries = 1 + retriers.reduce((sum, r) => sum + r.maxAttempts, 0);
  const pauses = retriers.reduce((sum, r) => sum + retryPausesSeconds(r).total, 0);
  return tries * timeoutSeconds + pauses;
}

/**
 * `TimeoutSeconds` of the two kinds of Task state: `task` for the states that run the task's
 * code (CreateTask, CheckTaskStatus), `record` for those that only write its record
 * (TaskCompleted, MarkFailed). A Standard workflow gives both `stepTimeoutSeconds`.
 */
export interface StepTimeouts {
  task: number;
  record: number;
}

/** A Standard workflow's Task state timeouts: all of them `stepTimeoutSeconds`. */
export function standardStepTimeouts(bounds: ResolvedWorkflowBounds): StepTimeouts {
  return { task: bounds.stepTimeoutSeconds, record: bounds.stepTimeoutSeconds };
}

/**
 * The longest the workflow may need, once a task's deadline has passed, to notice it and write
 * the failure record: the step in flight at the deadline, the longest pause before the next step
 * (a retry's, or at least the second a poll waits: the steps shorten a task's own wait to end at
 * its deadline), the step that throws `TaskTimeoutError`, then `MarkFailed` with every retry its
 * retrier allows.
 */
export function failureReserveSeconds(
  bounds: ResolvedWorkflowBounds,
  timeouts: StepTimeouts = standardStepTimeouts(bounds),
): number {
  const pause = Math.max(
    1,
    retryPausesSeconds(bounds.taskRetry).longest,
    retryPausesSeconds(bounds.lambdaRetry).longest,
  );
  const notice = 2 * timeouts.task + pause;
  return notice + taskStateWorstSeconds(timeouts.record, [markFailedRetrySettings(bounds)]);
}

/**
 * The bounds of the Express workflow, derived from the Standard one's: the same retriers, the
 * execution capped at Express's 5 minutes, and Task state timeouts sized so that even the
 * longest task it takes fits with every retry.
 */
export interface ExpressWorkflowBounds extends ResolvedWorkflowBounds {
  /** Express's limit: {@link EXPRESS_EXECUTION_MAX_SECONDS}. */
  executionTimeoutSeconds: number;
  /** The longest `timeoutSeconds` a task may have to run on Express. */
  maxTaskSeconds: number;
  /** The Task state timeouts: `task` is `maxTaskSeconds` + the step's own overhead. */
  timeouts: StepTimeouts;
}

/**
 * Longest an Express execution of a task that finishes in `start` can take, when its
 * `timeoutSeconds` is `taskSeconds` and the Task states time out at `timeouts`. Its `start`
 * calls end by the task's deadline, plus the one in flight then; after that, either the failure
 * is noticed and recorded ({@link failureReserveSeconds}), or the success is: TaskCompleted with
 * every retry, and MarkFailed with every retry should TaskCompleted fail for good.
 */
export function expressWorstCaseSeconds(
  taskSeconds: number,
  bounds: ResolvedWorkflowBounds,
  timeouts: StepTimeouts,
): number {
  const failure = failureReserveSeconds(bounds, timeouts);
  const completion =
    timeouts.task +
    taskStateWorstSeconds(timeouts.record, [bounds.taskRetry, bounds.lambdaRetry]) +
    taskStateWorstSeconds(timeouts.record, [markFailedRetrySettings(bounds)]);
  return taskSeconds + Math.max(failure, completion);
}

/**
 * The Express workflow's bounds for these Standard ones. Its CreateTask and CheckTaskStatus
 * time out at `maxTaskSeconds` + {@link EXPRESS_STEP_OVERHEAD_SECONDS}, TaskCompleted and MarkFailed at
 * {@link EXPRESS_RECORD_STEP_TIMEOUT_SECONDS} (neither longer than `stepTimeoutSeconds`), and
 * `maxTaskSeconds` is the largest whole number of seconds for which
 * {@link expressWorstCaseSeconds} stays within {@link EXPRESS_EXECUTION_MAX_SECONDS}: the one
 * place where the Express bounds are checked.
 *
 * @throws WorkflowSettingsError when the retries leave no second for a task: no Express workflow
 *   can be built, and every task must run on Standard.
 * @example
 * ```ts
 * expressWorkflowBounds({ stepTimeoutSeconds: 65 }).maxTaskSeconds; // 35
 * ```
 */
export function expressWorkflowBounds(bounds: WorkflowBounds = {}): ExpressWorkflowBounds {
  const resolved = resolveWorkflowBounds(bounds);
  const record = Math.min(resolved.stepTimeoutSeconds, EXPRESS_RECORD_STEP_TIMEOUT_SECONDS);
  const timeoutsFor = (taskSeconds: number): StepTimeouts => ({
    task: taskSeconds + EXPRESS_STEP_OVERHEAD_SECONDS,
    record,
  });
  const fits = (taskSeconds: number) =>
    expressWorstCaseSeconds(taskSeconds, resolved, timeoutsFor(taskSeconds)) <=
    EXPRESS_EXECUTION_MAX_SECONDS;
  // The worst case grows with the task's time: the first that fits, from the top, is the largest.
  let maxTaskSeconds = resolved.stepTimeoutSeconds - EXPRESS_STEP_OVERHEAD_SECONDS;
  while (maxTaskSeconds >= 1 && !fits(maxTaskSeconds)) maxTaskSeconds -= 1;
  if (maxTaskSeconds < 1) {
    const floor = expressWorstCaseSeconds(1, resolved, timeoutsFor(1));
    throw new WorkflowSettingsError(
      `no task fits an Express workflow with these retries: even a 1 s task may need ${floor} s with every retry of \`taskRetry\` and \`lambdaRetry\` (and MarkFailed's), over Express's ${EXPRESS_EXECUTION_MAX_SECONDS} s; retry less, or run every task on Standard`,
    );
  }
  return {
    ...resolved,
    executionTimeoutSeconds: EXPRESS_EXECUTION_MAX_SECONDS,
    maxTaskSeconds,
    timeouts: timeoutsFor(maxTaskSeconds),
  };
}
