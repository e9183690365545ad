import * as z from "zod";
import { ERROR_NAMES, LAMBDA_SERVICE_ERRORS, STATE_NAMES } from "../constants.js";
import {
  type ExpressWorkflowBounds,
  executionOutlastsSteps,
  executionOutlastsStepsIssue,
  expressWorkflowBounds,
  markFailedRetrySettings,
  parseWorkflowInput,
  type ResolvedWorkflowBounds,
  type RetrierSettings,
  type StepTimeouts,
  standardStepTimeouts,
  type WorkflowType,
  workflowBoundsShape,
} from "./workflowBounds.js";

const lambdaArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/,
    "must be a Lambda function ARN",
  );

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
  return parseWorkflowInput(workflowSettingsSchema, settings);
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

/** Tasklane's two workflows: the same states, each with its own bounds. */
export interface Workflows {
  /** Any task: polls, long runs; `executionTimeoutSeconds` and `stepTimeoutSeconds` as given. */
  standard: WorkflowDefinition;
  /**
   * Tasks that finish in `start` within {@link ExpressWorkflowBounds.maxTaskSeconds}: the
   * execution times out at 5 minutes and every Task state early enough for all its retries (and
   * MarkFailed's) to end before then (see `expressWorkflowBounds`).
   */
  express: WorkflowDefinition;
}

/**
 * The Amazon States Language documents of the Tasklane workflow, Standard and Express. The
 * Pulumi program deploys their JSON and the local runtime executes the same objects, so the two
 * cannot drift. Both have the same states, retriers and catchers; only their time limits
 * differ, and the Express ones are checked to fit Express's 5 minutes.
 *
 * The execution's state is `{ task, run, step, result | error, failure }`: `task` is the
 * envelope, `run` the start id, `step` the last `start`/`poll` outcome. Large inputs, states and
 * outputs travel as S3 references inside them, never as data.
 *
 * @throws WorkflowSettingsError naming the setting that is wrong, or when the retries leave no
 *   room for an Express execution (then deploy no Express workflow: see `expressWorkflowBounds`).
 * @example
 * ```ts
 * const { standard, express } = buildWorkflows({
 *   functions: { createTask, checkTaskStatus, taskCompleted, markFailed },
 *   taskRetry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60 },
 * });
 * new aws.sfn.StateMachine("tasks", { type: "STANDARD", definition: JSON.stringify(standard), ... });
 * new aws.sfn.StateMachine("tasksExpress", { type: "EXPRESS", definition: JSON.stringify(express), ... });
 * ```
 */
export function buildWorkflows(settings: WorkflowSettings): Workflows {
  return {
    standard: buildWorkflow(settings, "standard"),
    express: buildWorkflow(settings, "express"),
  };
}

/**
 * One of {@link buildWorkflows}' two documents: by default the Standard one.
 *
 * @example
 * ```ts
 * const definition = buildWorkflow({ functions: { createTask, checkTaskStatus, taskCompleted, markFailed } });
 * ```
 */
export function buildWorkflow(
  settings: WorkflowSettings,
  type: WorkflowType = "standard",
): WorkflowDefinition {
  const resolved = resolveWorkflowSettings(settings);
  if (type === "standard") {
    return workflowDocument(
      resolved.functions,
      resolved,
      standardStepTimeouts(resolved),
      "standard",
    );
  }
  const express: ExpressWorkflowBounds = expressWorkflowBounds(resolved);
  return workflowDocument(resolved.functions, express, express.timeouts, "express");
}

const COMMENTS: Record<WorkflowType, string> = {
  standard: "Tasklane: runs one task.",
  express:
    "Tasklane (Express): runs one task that finishes in start, every step and retry within the 5-minute limit.",
};

/** The document itself: one set of states, whichever bounds it is given. */
function workflowDocument(
  functions: ResolvedWorkflowSettings["functions"],
  bounds: ResolvedWorkflowBounds,
  timeouts: StepTimeouts,
  type: WorkflowType,
): WorkflowDefinition {
  const retries = [
    retrier([ERROR_NAMES.retryable], bounds.taskRetry),
    retrier(LAMBDA_SERVICE_ERRORS, bounds.lambdaRetry),
  ];
  // MarkFailed retries whatever goes wrong, a crash of its function (`Lambda.Unknown`) too: its
  // write is conditional, so repeating it is safe, and nothing else would end the record.
  const markFailedRetries = [retrier(["States.ALL"], markFailedRetrySettings(bounds))];
  const toMarkFailed: AslCatcher[] = [
    { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE_NAMES.markFailed },
  ];
  // `run` is the start id the consumer gave this execution: the steps claim the task's record
  // with it, so a duplicate execution of one generation runs nothing.
  const taskAndStep = { "task.$": "$.task", "step.$": "$.step", "run.$": "$.run" };

  return {
    Comment: `${COMMENTS[type]} CreateTask claims the attempt and calls start; a running task is polled after the pause it asks for; the outcome is one conditional write to the task's record.`,
    StartAt: STATE_NAMES.createTask,
    TimeoutSeconds: bounds.executionTimeoutSeconds,
    States: {
      [STATE_NAMES.createTask]: {
        Type: "Task",
        Comment: "Claims and counts the attempt in the task's record, then calls the task's start.",
        Resource: functions.createTask,
        Parameters: { "task.$": "$.task", "run.$": "$.run" },
        ResultPath: "$.step",
        TimeoutSeconds: timeouts.task,
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
            NumericGreaterThanEquals: bounds.maxPolls,
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
        Resource: functions.checkTaskStatus,
        Parameters: taskAndStep,
        ResultPath: "$.step",
        TimeoutSeconds: timeouts.task,
        Retry: retries,
        Catch: toMarkFailed,
        Next: STATE_NAMES.isTaskDone,
      },
      [STATE_NAMES.pollLimitExceeded]: {
        Type: "Pass",
        Comment: "The poll loop's bound: a task that never finishes fails instead of looping.",
        Result: {
          Error: ERROR_NAMES.pollLimitExceeded,
          Cause: `the task was still running after ${bounds.maxPolls} polls`,
        },
        ResultPath: "$.error",
        Next: STATE_NAMES.markFailed,
      },
      [STATE_NAMES.taskCompleted]: {
        Type: "Task",
        Comment: "Records the success in the task's record (a large output is already in S3).",
        Resource: functions.taskCompleted,
        Parameters: taskAndStep,
        ResultPath: "$.result",
        TimeoutSeconds: timeouts.record,
        Retry: retries,
        Catch: toMarkFailed,
        Next: STATE_NAMES.succeeded,
      },
      [STATE_NAMES.markFailed]: {
        Type: "Task",
        Comment: "Records the failure in the task's record, unless it was cancelled or superseded.",
        Resource: functions.markFailed,
        ResultPath: "$.failure",
        TimeoutSeconds: timeouts.record,
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

/** A workflow's JSON text, as Step Functions stores it. */
export function renderWorkflow(
  settings: WorkflowSettings,
  type: WorkflowType = "standard",
): string {
  return JSON.stringify(buildWorkflow(settings, type), null, 2);
}
