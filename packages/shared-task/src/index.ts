// Contracts, models and the workflow definition: everything a producer may bundle. Task code
// lives behind the `./tasks` entry point and the step runner behind `./steps`.

export {
  classifyError,
  describeError,
  isTransientError,
  NETWORK_ERROR_CODES,
} from "./classifyError.js";
export type { ErrorName } from "./constants.js";
export {
  BATCH_MAX_TASKS,
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_POLLS,
  ENVELOPE_VERSION,
  ERROR_NAMES,
  EXECUTION_NAME_MAX_LENGTH,
  EXPRESS_EXECUTION_MAX_SECONDS,
  INLINE_INPUT_MAX_BYTES,
  INLINE_PAYLOAD_MAX_BYTES,
  LAMBDA_SERVICE_ERRORS,
  LIST_MAX_LIMIT,
  MAX_POLLS_UPPER_BOUND,
  SQS_MAX_BATCH_ENTRIES,
  STATE_NAMES,
} from "./constants.js";
export type {
  AnyTaskDefinition,
  StepResult,
  TaskContext,
  TaskContract,
  TaskDefinition,
  TaskHandlers,
} from "./definitions/defineTask.js";
export {
  defineTask,
  defineTaskContract,
  POLL_AFTER_MAX_SECONDS,
  TASK_TIMEOUT_MAX_SECONDS,
  TASK_TYPE_PATTERN,
} from "./definitions/defineTask.js";
export { TaskRegistry } from "./definitions/taskRegistry.js";
export type { FieldIssue, TasklaneErrorOptions } from "./errors.js";
export {
  EnvelopeError,
  PayloadError,
  TaskDefinitionError,
  TaskInputError,
  TasklaneError,
  TaskOutputError,
  TaskPermanentError,
  TaskRegistryError,
  TaskRetryableError,
  TaskSupersededError,
  TaskTimeoutError,
  UnknownTaskTypeError,
  WorkflowSettingsError,
} from "./errors.js";
export { describeIssues, fieldIssues, formatPath } from "./fieldIssues.js";
export type { JsonValue } from "./json.js";
export { jsonByteLength } from "./json.js";
export type { TaskEnvelope, TaskEnvelopeInput } from "./state/envelope.js";
export {
  createEnvelope,
  envelopeV1Schema,
  parseEnvelope,
  READABLE_ENVELOPE_VERSIONS,
} from "./state/envelope.js";
export { FINGERPRINT_PATTERN, fingerprintSubmission } from "./state/fingerprint.js";
export type { BlobStore, ObjectLocation, Payload } from "./state/payload.js";
export {
  loadPayload,
  payloadSchema,
  readJson,
  storePayload,
  writeJson,
} from "./state/payload.js";
export type {
  TaskErrorInfo,
  TaskRecord,
  TimelineEvent,
  TimelineEventKind,
} from "./state/records.js";
export {
  TIMELINE_EVENTS,
  taskErrorSchema,
  taskRecordSchema,
  timelineEventSchema,
} from "./state/records.js";
export { S3_PREFIXES, s3Keys } from "./state/s3Keys.js";
export {
  assertIdempotencyKey,
  executionName,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  idempotentTaskId,
  isTaskId,
  newTaskId,
  parseExecutionName,
  TASK_ID_NAMESPACE,
} from "./state/taskIds.js";
export type { ExecutionStatus, TaskHeadline, TaskStatus, TaskView } from "./state/taskStatus.js";
export {
  CANCELLABLE_STATUSES,
  isTerminalStatus,
  RETRYABLE_STATUSES,
  TASK_STATUSES,
  TERMINAL_STATUSES,
  taskViewOf,
} from "./state/taskStatus.js";
// The table's layout: its keys, indexes and the listing shards, all of it public.
export * from "./state/taskTable.js";
export type { TaskTimeout } from "./workflow/assertTasksFitWorkflow.js";
export { assertTasksFitWorkflow } from "./workflow/assertTasksFitWorkflow.js";
export type {
  AslChoiceState,
  AslState,
  AslTaskState,
  ResolvedWorkflowSettings,
  WorkflowDefinition,
  WorkflowSettings,
  Workflows,
} from "./workflow/buildWorkflow.js";
export {
  buildWorkflow,
  buildWorkflows,
  renderWorkflow,
  resolveWorkflowSettings,
  workflowSettingsSchema,
} from "./workflow/buildWorkflow.js";
export type {
  ExpressWorkflowBounds,
  ResolvedWorkflowBounds,
  RetrierSettings,
  WorkflowBounds,
  WorkflowType,
} from "./workflow/workflowBounds.js";
export {
  DEFAULT_LAMBDA_RETRY,
  DEFAULT_TASK_RETRY,
  expressWorkflowBounds,
  expressWorstCaseSeconds,
  failureReserveSeconds,
  resolveWorkflowBounds,
  workflowBoundsSchema,
} from "./workflow/workflowBounds.js";
export type { WorkflowTaskShape } from "./workflow/workflowFor.js";
export { workflowFor } from "./workflow/workflowFor.js";
