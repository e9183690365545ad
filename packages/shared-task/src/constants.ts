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
  superseded: "TaskSupersededError",
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
 * Largest running state or output the steps carry inline through the state machine. Larger ones
 * move as S3 references: a state's data is capped at 256 KiB in all.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 32 * 1024;

/**
 * Largest task input an envelope may carry inline (its JSON, UTF-8), and so the ceiling of the
 * producer's `inlineInputMaxBytes`. The envelope rides in every state of the execution, whose
 * data Step Functions caps at 256 KiB (past it: `States.DataLimitExceeded`, which no Catch can
 * handle). 128 KiB of input leaves room for the rest of the state at its largest: the envelope's
 * other fields, an inline step outcome (32 KiB), a caught error's cause (up to 32 KiB) and the
 * failure summary (4 KiB).
 */
export const INLINE_INPUT_MAX_BYTES = 128 * 1024;

/** `TimeoutSeconds` of an execution unless the caller sets it: a day. */
export const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 86_400;

/** The longest an Express workflow's execution may run: AWS stops it at 5 minutes. */
export const EXPRESS_EXECUTION_MAX_SECONDS = 300;

/**
 * `TimeoutSeconds` of the Express workflow's TaskCompleted and MarkFailed: each makes a
 * conditional write and a read of the task's record, well within 10 s even after a cold start.
 * Their every retry counts against Express's 5 minutes, so they get this rather than the
 * functions' own timeout.
 */
export const EXPRESS_RECORD_STEP_TIMEOUT_SECONDS = 10;

/**
 * What a CreateTask or CheckTaskStatus step on Express needs besides the task's own `start` or
 * `poll`: the claim, reading the input, storing the output. Its `TimeoutSeconds` is the longest
 * task Express takes, plus this.
 */
export const EXPRESS_STEP_OVERHEAD_SECONDS = 5;

/** Bound on the poll loop unless the caller sets it. */
export const DEFAULT_MAX_POLLS = 1_000;

/**
 * Each poll round adds about ten events to a Standard execution's history (Choice, Wait, Task
 * scheduled/started/succeeded, ...), which AWS caps at 25,000 events.
 */
export const MAX_POLLS_UPPER_BOUND = 2_400;

/** The task envelope version this code writes; see envelope.ts for the versions it reads. */
export const ENVELOPE_VERSION = 1;

/** Most tasks one `POST /tasks/batch` takes: the API's contract, which its clients cut batches by. */
export const BATCH_MAX_TASKS = 100;

/** Most tasks one page of `GET /tasks` lists. */
export const LIST_MAX_LIMIT = 100;

/**
 * SQS's limit on entries per `SendMessageBatch` and `DeleteMessageBatch`, and on messages one
 * `ReceiveMessage` returns.
 */
export const SQS_MAX_BATCH_ENTRIES = 10;
