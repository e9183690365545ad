/**
 * An AWS SDK error that may pass if the request is made again: throttling, a 5xx, or one the SDK
 * marks retryable (it has already retried it). Anything else is a bug or a misconfiguration.
 */
export function isTransient(error: unknown): boolean {
  const sdk = error as {
    $retryable?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = sdk.$metadata?.httpStatusCode ?? 0;
  return sdk.$retryable !== undefined || sdk.$fault === "server" || status === 429 || status >= 500;
}
