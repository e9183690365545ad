import { ERROR_NAMES } from "./constants.js";
import { TasklaneError, TaskPermanentError, TaskRetryableError } from "./errors.js";

/** What the AWS SDK v3 (Smithy) and Node's networking put on the errors they throw. */
interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Errors that say nothing about the request, only that it did not get through: the names and
 * Node error codes the AWS SDK's own retry strategy treats as transient (`@smithy/service-error-
 * classification`), and undici's for `fetch`. The SDK gives up after its own attempts and
 * rethrows them unmarked.
 */
const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  // Throttling, as the services name it (the SDK's THROTTLING_ERROR_CODES): DynamoDB's and SQS's
  // deserialized errors carry no `$retryable`, so the name is all that says they may pass.
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "SlowDown",
]);
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * The error a step rethrows, so that Step Functions' `ErrorEquals` sees a stable name:
 * - our own errors pass through;
 * - AWS SDK errors the SDK marks retryable, server faults (5xx, S3's `SlowDown`), throttling
 *   (429) and network failures (timeouts, `ECONNRESET`, also as a `fetch` error's cause) become
 *   `TaskRetryableError` (the message keeps the original name), so transient trouble with
 *   Tasklane's own S3 objects or any service a task calls is retried with backoff;
 * - other `Error`s keep their name (a `TypeError` is a bug, `AccessDenied` a policy: retrying
 *   will not fix them);
 * - anything thrown that is not an `Error` becomes a `TaskPermanentError`.
 */
export function classifyError(error: unknown): Error {
  if (error instanceof TasklaneError) return error;
  if (error instanceof Error) {
    if (isTransientError(error)) {
      return new TaskRetryableError(`${error.name}: ${error.message}`, { cause: error });
    }
    return error;
  }
  return new TaskPermanentError(`non-Error value thrown: ${safeDescribe(error)}`);
}

/**
 * Whether a request may pass if made again: the AWS SDK marked the error retryable, or it is a
 * server fault (5xx, S3's `SlowDown`), throttling (429) or a network failure (also as a `fetch`
 * error's cause). Anything else is a bug, a policy or a bad request.
 */
export function isTransientError(thrown: unknown): boolean {
  if (typeof thrown !== "object" || thrown === null) return false;
  const error = thrown as SdkErrorShape;
  const status = Number(error.$metadata?.httpStatusCode);
  const cause = (error.cause ?? {}) as SdkErrorShape;
  return (
    error.$retryable !== undefined ||
    error.$fault === "server" ||
    status === 429 ||
    (Number.isFinite(status) && status >= 500) ||
    TRANSIENT_NAMES.has(String(error.name)) ||
    NETWORK_ERROR_CODES.has(String(error.code)) ||
    NETWORK_ERROR_CODES.has(String(cause.code))
  );
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
