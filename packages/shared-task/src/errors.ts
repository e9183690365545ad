import { ERROR_NAMES } from "./constants.js";

/** One failing field: where it is (`input.text`) and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Base of every error this package throws; `name` is stable and is what ASL matches. */
export class TasklaneError extends Error {
  override name: string = ERROR_NAMES.base;
}

/**
 * Thrown by a task for a failure that may pass on its own (a timeout talking to a dependency,
 * throttling). The state machine retries the step with backoff and jitter.
 *
 * @example
 * ```ts
 * if (response.status === 503) throw new TaskRetryableError("inventory service unavailable");
 * ```
 */
export class TaskRetryableError extends TasklaneError {
  override name: string = ERROR_NAMES.retryable;
}

/**
 * Thrown by a task for a failure that retrying cannot fix (bad data, a refused operation).
 * The state machine goes straight to `MarkFailed`.
 */
export class TaskPermanentError extends TasklaneError {
  override name: string = ERROR_NAMES.permanent;
}

/** The task input does not match the task's input schema. Permanent. */
export class TaskInputError extends TaskPermanentError {
  override name: string = ERROR_NAMES.input;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** A task returned an output that does not match its output schema. Permanent. */
export class TaskOutputError extends TaskPermanentError {
  override name: string = ERROR_NAMES.output;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * The task's record no longer expects this execution: the task was cancelled or retried, its
 * generation already ended, or another execution of it (a duplicate start) claimed it first.
 * Permanent: the execution ends without running, or finishing, anything.
 */
export class TaskSupersededError extends TaskPermanentError {
  override name: string = ERROR_NAMES.superseded;
}

/** A task ran past its own `timeoutSeconds`. Permanent. */
export class TaskTimeoutError extends TaskPermanentError {
  override name: string = ERROR_NAMES.timeout;
}

/** A task definition or contract is malformed; the message names the task and the field. */
export class TaskDefinitionError extends TasklaneError {
  override name: string = ERROR_NAMES.definition;
}

/** Two tasks share a `type`, or a registry is used wrongly. */
export class TaskRegistryError extends TasklaneError {
  override name: string = ERROR_NAMES.registry;
}

/** No task with this `type` is registered. Permanent for the task that names it. */
export class UnknownTaskTypeError extends TaskPermanentError {
  override name: string = ERROR_NAMES.unknownType;
  constructor(
    readonly type: string,
    known: readonly string[],
  ) {
    super(`unknown task type \`${type}\`; known types: ${known.join(", ") || "(none)"}`);
  }
}

/** A task envelope (an SQS message body, an execution input) is not one this code understands. */
export class EnvelopeError extends TasklaneError {
  override name: string = ERROR_NAMES.envelope;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Workflow builder settings are out of range; the message names the setting. */
export class WorkflowSettingsError extends TasklaneError {
  override name: string = ERROR_NAMES.workflowSettings;
}

/** A payload reference points at an object that is missing or does not parse. */
export class PayloadError extends TaskPermanentError {
  override name: string = ERROR_NAMES.payload;
}
