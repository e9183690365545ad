/**
 * Names the Amazon States Language matches in `ErrorEquals`. They are string literals, not
 * `class.name`, because the Lambda bundles are minified and class names do not survive.
 */
export const ERROR_NAMES = {
  base: "TasklaneError",
  retryable: "TaskRetryableError",
  permanent: "TaskPermanentError",
  input: "TaskInputError",
  output: "TaskOutputError",
  timeout: "TaskTimeoutError",
  pollLimitExceeded: "TaskPollLimitExceeded",
  definition: "TaskDefinitionError",
  registry: "TaskRegistryError",
  unknownType: "UnknownTaskTypeError",
  envelope: "EnvelopeError",
  workflowSettings: "WorkflowSettingsError",
  payload: "PayloadError",
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** The states of the workflow, in the order the happy path visits them. */
export const STATE_NAMES = {
  createTask: "CreateTask",
  isTaskDone: "IsTaskDone",
  waitForTaskCompletion: "WaitForTaskCompletion",
  checkTaskStatus: "CheckTaskStatus",
  pollLimitExceeded: "PollLimitExceeded",
  taskCompleted: "TaskCompleted",
  markFailed: "MarkFailed",
  succeeded: "Succeeded",
  failed: "Failed",
} as const;

/**
 * Errors Step Functions raises when invoking Lambda itself fails (throttling, service faults).
 * AWS recommends retrying these on every Lambda task; they say nothing about the task.
 */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException",
] as const;

/** Step Functions execution names: 1 to 80 characters. */
export const EXECUTION_NAME_MAX_LENGTH = 80;

/**
 * Largest JSON payload (input, running state, output) carried inline through SQS and the state
 * machine. Larger ones move as S3 references: a state's data is capped at 256 KiB in all.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 32 * 1024;

/**
 * Each poll round adds about ten events to a Standard execution's history (Choice, Wait, Task
 * scheduled/started/succeeded, ...), which AWS caps at 25,000 events.
 */
export const MAX_POLLS_UPPER_BOUND = 2_400;

/** The task envelope version this code writes; see envelope.ts for the versions it reads. */
export const ENVELOPE_VERSION = 1;
