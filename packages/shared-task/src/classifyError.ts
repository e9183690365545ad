import { ERROR_NAMES } from "./constants.js";
import { TasklaneError, TaskPermanentError, TaskRetryableError } from "./errors.js";

/** What the AWS SDK v3 (Smithy) puts on the errors it throws. */
interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The error a step rethrows, so that Step Functions' `ErrorEquals` sees a stable name:
 * - our own errors pass through;
 * - AWS SDK errors the SDK marks retryable, server faults and throttling become
 *   `TaskRetryableError` (the message keeps the original name), so transient trouble with S3
 *   or any AWS service a task calls is retried with backoff;
 * - other `Error`s keep their name (a `TypeError` is a bug: retrying will not fix it);
 * - anything thrown that is not an `Error` becomes a `TaskPermanentError`.
 */
export function classifyError(error: unknown): Error {
  if (error instanceof TasklaneError) return error;
  if (error instanceof Error) {
    const sdk = error as SdkErrorShape;
    const status = Number(sdk.$metadata?.httpStatusCode);
    const transient =
      sdk.$retryable !== undefined ||
      sdk.$fault === "server" ||
      status === 429 ||
      (Number.isFinite(status) && status >= 500);
    if (transient) {
      return new TaskRetryableError(`${error.name}: ${error.message}`, { cause: error });
    }
    return error;
  }
  return new TaskPermanentError(`non-Error value thrown: ${safeDescribe(error)}`);
}

/** `{ name, message }` of anything thrown, for records and logs. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error)
    return { name: error.name || ERROR_NAMES.base, message: error.message };
  return { name: ERROR_NAMES.permanent, message: safeDescribe(error) };
}

function safeDescribe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
