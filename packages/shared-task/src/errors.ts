import { ERROR_NAMES, type ErrorName } from "./constants.js";

/** One failing field: where it is (`input.text`) and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** `Error`'s options, and the failing fields when the error is about input that does not parse. */
export interface TasklaneErrorOptions extends ErrorOptions {
  issues?: FieldIssue[];
}

/**
 * Base of every error this package throws; `name` is stable and is what ASL matches. It takes
 * `Error`'s arguments, so a task can throw `new TaskRetryableError("busy", { cause })`; `issues`
 * lists the failing fields (empty unless given).
 */
export class TasklaneError extends Error {
  override name: string = ERROR_NAMES.base;
  readonly issues: FieldIssue[];
  constructor(message?: string, options: TasklaneErrorOptions = {}) {
    const { issues = [], ...errorOptions } = options;
    super(message, errorOptions);
    this.issues = issues;
  }
}

/**
 * `base` under another `name`, the one ASL's `ErrorEquals` matches (set here, not taken from the
 * class, whose name a bundler may shorten); its constructor is `base`'s.
 */
// biome-ignore lint/suspicious/noExplicitAny: TypeScript takes a class as a mixin's base only with any[] parameters
function named<Base extends new (...args: any[]) => TasklaneError>(
  base: Base,
  name: ErrorName,
): Base {
  return class extends base {
    override name: string = name;
  };
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
export class TaskRetryableError extends named(TasklaneError, ERROR_NAMES.retryable) {}

/**
 * Thrown by a task for a failure that retrying cannot fix (bad data, a refused operation).
 * The state machine goes straight to `MarkFailed`.
 */
export class TaskPermanentError extends named(TasklaneError, ERROR_NAMES.permanent) {}

/** The task input does not match the task's input schema. Permanent. */
export class TaskInputError extends named(TaskPermanentError, ERROR_NAMES.input) {}

/** A task returned an output that does not match its output schema. Permanent. */
export class TaskOutputError extends named(TaskPermanentError, ERROR_NAMES.output) {}

/**
 * The task's record no longer expects this execution: the task was cancelled or retried, its
 * generation already ended, or another execution of it (a duplicate start) claimed it first.
 * Permanent: the execution ends without running, or finishing, anything.
 */
export class TaskSupersededError extends named(TaskPermanentError, ERROR_NAMES.superseded) {}

/** A task ran past its own `timeoutSeconds`. Permanent. */
export class TaskTimeoutError extends named(TaskPermanentError, ERROR_NAMES.timeout) {}

/** A task definition or contract is malformed; the message names the task and the field. */
export class TaskDefinitionError extends named(TasklaneError, ERROR_NAMES.definition) {}

/** Two tasks share a `type`, or a registry is used wrongly. */
export class TaskRegistryError extends named(TasklaneError, ERROR_NAMES.registry) {}

/** No task with this `type` is registered. Permanent for the task that names it. */
export class UnknownTaskTypeError extends named(TaskPermanentError, ERROR_NAMES.unknownType) {
  constructor(
    readonly type: string,
    known: readonly string[],
  ) {
    super(`unknown task type \`${type}\`; known types: ${known.join(", ") || "(none)"}`);
  }
}

/** A task envelope (an SQS message body, an execution input) is not one this code understands. */
export class EnvelopeError extends named(TasklaneError, ERROR_NAMES.envelope) {}

/** Workflow builder settings are out of range; the message names the setting. */
export class WorkflowSettingsError extends named(TasklaneError, ERROR_NAMES.workflowSettings) {}

/** A payload reference points at an object that is missing or does not parse. */
export class PayloadError extends named(TaskPermanentError, ERROR_NAMES.payload) {}
