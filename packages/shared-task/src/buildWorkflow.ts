import * as z from "zod";
import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_POLLS,
  ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  MAX_POLLS_UPPER_BOUND,
  STATE_NAMES,
} from "./constants.js";
import { WorkflowSettingsError } from "./errors.js";
import { describeIssues, fieldIssues } from "./fieldIssues.js";

const lambdaArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/,
    "must be a Lambda function ARN",
  );

// Bounds are those Step Functions enforces on a retrier.
const retrierSettings = z.object({
  /** Retries after the first try; 0 disables retrying. */
  maxAttempts: z.int().min(0).max(99_999_999),
  /** Delay before the first retry; doubles (by `backoffRate`) on each later one. */
  intervalSeconds: z.int().min(1).max(99_999_999),
  backoffRate: z.number().min(1).max(10),
  /** Cap on any single delay, before jitter. */
  maxDelaySeconds: z.int().min(1).max(31_622_400),
});
export type RetrierSettings = z.infer<typeof retrierSettings>;

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
const workflowBoundsShape = {
  /** Retry of `TaskRetryableError`: by default 3 retries, so 4 attempts in all. */
  taskRetry: retrierSettings.default(DEFAULT_TASK_RETRY),
  /** Retry of Lambda's own service errors (throttling, faults), separate from the task's. */
  lambdaRetry: retrierSettings.default(DEFAULT_LAMBDA_RETRY),
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

const executionOutlastsSteps = (s: {
  executionTimeoutSeconds: number;
  stepTimeoutSeconds: number;
}) => s.executionTimeoutSeconds > s.stepTimeoutSeconds;
const executionOutlastsStepsIssue = {
  path: ["executionTimeoutSeconds"],
  message: "must be longer than stepTimeoutSeconds",
};

export const workflowBoundsSchema = z
  .object(workflowBoundsShape)
  .refine(executionOutlastsSteps, executionOutlastsStepsIssue);

export const workflowSettingsSchema = z
  .object({
    /** The four step functions' ARNs (or, locally, any ARN-shaped placeholder). */
    functions: z.object({
      createTask: lambdaArn,
      checkTaskStatus: lambdaArn,
      taskCompleted: lambdaArn,
      markFailed: lambdaArn,
    }),
    ...workflowBoundsShape,
  })
  .refine(executionOutlastsSteps, executionOutlastsStepsIssue);

export type WorkflowBounds = z.input<typeof workflowBoundsSchema>;
export type ResolvedWorkflowBounds = z.output<typeof workflowBoundsSchema>;
export type WorkflowSettings = z.input<typeof workflowSettingsSchema>;
export type ResolvedWorkflowSettings = z.output<typeof workflowSettingsSchema>;

// The subset of the Amazon States Language this workflow uses.
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  JitterStrategy: "FULL" | "NONE";
}
export interface AslCatcher {
  ErrorEquals: string[];
  ResultPath: string;
  Next: string;
}
export interface AslTaskState {
  Type: "Task";
  Comment: string;
  Resource: string;
  Parameters?: Record<string, string>;
  ResultPath: string;
  TimeoutSeconds: number;
  Retry: AslRetrier[];
  Catch?: AslCatcher[];
  Next: string;
}
export interface AslChoiceState {
  Type: "Choice";
  Comment: string;
  Choices: Array<Record<string, unknown> & { Next: string }>;
  Default: string;
}
export interface AslWaitState {
  Type: "Wait";
  Comment: string;
  SecondsPath: string;
  Next: string;
}
export interface AslPassState {
  Type: "Pass";
  Comment: string;
  Result: Record<string, string>;
  ResultPath: string;
  Next: string;
}
export interface AslSucceedState {
  Type: "Succeed";
  Comment: string;
  OutputPath: string;
}
export interface AslFailState {
  Type: "Fail";
  Comment: string;
  ErrorPath: string;
  CausePath: string;
}
export type AslState =
  | AslTaskState
  | AslChoiceState
  | AslWaitState
  | AslPassState
  | AslSucceedState
  | AslFailState;

export interface WorkflowDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, AslState>;
}

/** Validates and fills in the defaults; throws naming the setting that is wrong. */
export function resolveWorkflowSettings(settings: WorkflowSettings): ResolvedWorkflowSettings {
  return resolveWith(workflowSettingsSchema, settings);
}

/** The retries and time limits alone, defaults filled in; for checks that need no ARNs. */
export function resolveWorkflowBounds(bounds: WorkflowBounds = {}): ResolvedWorkflowBounds {
  return resolveWith(workflowBoundsSchema, bounds);
}

function resolveWith<T extends z.ZodType>(schema: T, settings: unknown): z.output<T> {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    throw new WorkflowSettingsError(
      `invalid workflow settings: ${describeIssues(fieldIssues(parsed.error))}`,
    );
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

function retrier(errors: readonly string[], s: RetrierSettings): AslRetrier {
  return {
    ErrorEquals: [...errors],
    IntervalSeconds: s.intervalSeconds,
    MaxAttempts: s.maxAttempts,
    BackoffRate: s.backoffRate,
    MaxDelaySeconds: s.maxDelaySeconds,
    // Full jitter spreads retries of tasks that failed together (AWS Architecture Blog,
    // "Exponential Backoff And Jitter").
    JitterStrategy: "FULL",
  };
}

/**
 * The Amazon States Language document of the Tasklane workflow. The Pulumi program deploys
 * its JSON and the local runtime executes the same object, so the two cannot drift.
 *
 * The execution's state is `{ task, step, result | error, failure }`: `task` is the envelope,
 * `step` the last `start`/`poll` outcome. Large inputs, states and outputs travel as S3
 * references inside them, never as data.
 *
 * @example
 * ```ts
 * const definition = buildWorkflow({
 *   functions: { createTask, checkTaskStatus, taskCompleted, markFailed },
 *   taskRetry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60 },
 * });
 * new aws.sfn.StateMachine("tasks", { definition: JSON.stringify(definition), ... });
 * ```
 */
export function buildWorkflow(settings: WorkflowSettings): WorkflowDefinition {
  const s = resolveWorkflowSettings(settings);
  const retries = [
    retrier([ERROR_NAMES.retryable], s.taskRetry),
    retrier(LAMBDA_SERVICE_ERRORS, s.lambdaRetry),
  ];
  // MarkFailed retries whatever goes wrong, a crash of its function (`Lambda.Unknown`) too: its
  // write is conditional, so repeating it is safe, and nothing else would end the record.
  const markFailedRetries = [retrier(["States.ALL"], markFailedRetrySettings(s))];
  const toMarkFailed: AslCatcher[] = [
    { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE_NAMES.markFailed },
  ];
  // `run` is the start id the consumer gave this execution: the steps claim the task's record
  // with it, so a duplicate execution of one generation runs nothing.
  const taskAndStep = { "task.$": "$.task", "step.$": "$.step", "run.$": "$.run" };

  return {
    Comment:
      "Tasklane: runs one task. CreateTask claims the attempt and calls start; a running task is polled after the pause it asks for; the outcome is one conditional write to the task's record.",
    StartAt: STATE_NAMES.createTask,
    TimeoutSeconds: s.executionTimeoutSeconds,
    States: {
      [STATE_NAMES.createTask]: {
        Type: "Task",
        Comment: "Claims and counts the attempt in the task's record, then calls the task's start.",
        Resource: s.functions.createTask,
        Parameters: { "task.$": "$.task", "run.$": "$.run" },
        ResultPath: "$.step",
        TimeoutSeconds: s.stepTimeoutSeconds,
        Retry: retries,
        Catch: toMarkFailed,
        Next: STATE_NAMES.isTaskDone,
      },
      [STATE_NAMES.isTaskDone]: {
        Type: "Choice",
        Comment: "Finished tasks are recorded; running ones wait and poll, up to maxPolls times.",
        Choices: [
          {
            Variable: "$.step.status",
            StringEquals: "succeeded",
            Next: STATE_NAMES.taskCompleted,
          },
          {
            Variable: "$.step.polls",
            NumericGreaterThanEquals: s.maxPolls,
            Next: STATE_NAMES.pollLimitExceeded,
          },
        ],
        Default: STATE_NAMES.waitForTaskCompletion,
      },
      [STATE_NAMES.waitForTaskCompletion]: {
        Type: "Wait",
        Comment: "Pauses for the seconds the task asked for.",
        SecondsPath: "$.step.pollAfterSeconds",
        Next: STATE_NAMES.checkTaskStatus,
      },
      [STATE_NAMES.checkTaskStatus]: {
        Type: "Task",
        Comment: "Calls the task's poll with the state start (or the last poll) returned.",
        Resource: s.functions.checkTaskStatus,
        Parameters: taskAndStep,
        ResultPath: "$.step",
        TimeoutSeconds: s.stepTimeoutSeconds,
        Retry: retries,
        Catch: toMarkFailed,
        Next: STATE_NAMES.isTaskDone,
      },
      [STATE_NAMES.pollLimitExceeded]: {
        Type: "Pass",
        Comment: "The poll loop's bound: a task that never finishes fails instead of looping.",
        Result: {
          Error: ERROR_NAMES.pollLimitExceeded,
          Cause: `the task was still running after ${s.maxPolls} polls`,
        },
        ResultPath: "$.error",
        Next: STATE_NAMES.markFailed,
      },
      [STATE_NAMES.taskCompleted]: {
        Type: "Task",
        Comment: "Records the success in the task's record (a large output is already in S3).",
        Resource: s.functions.taskCompleted,
        Parameters: taskAndStep,
        ResultPath: "$.result",
        TimeoutSeconds: s.stepTimeoutSeconds,
        Retry: retries,
        Catch: toMarkFailed,
        Next: STATE_NAMES.succeeded,
      },
      [STATE_NAMES.markFailed]: {
        Type: "Task",
        Comment: "Records the failure in the task's record, unless it was cancelled or superseded.",
        Resource: s.functions.markFailed,
        ResultPath: "$.failure",
        TimeoutSeconds: s.stepTimeoutSeconds,
        Retry: markFailedRetries,
        Next: STATE_NAMES.failed,
      },
      [STATE_NAMES.succeeded]: {
        Type: "Succeed",
        Comment: "The execution's output is the result summary, never the task's data.",
        OutputPath: "$.result",
      },
      [STATE_NAMES.failed]: {
        Type: "Fail",
        Comment: "Fails the execution with the task's own error name and message.",
        ErrorPath: "$.failure.error",
        CausePath: "$.failure.cause",
      },
    },
  };
}

/** The workflow's JSON text, as Step Functions stores it. */
export function renderWorkflow(settings: WorkflowSettings): string {
  return JSON.stringify(buildWorkflow(settings), null, 2);
}
