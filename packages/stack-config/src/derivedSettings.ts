import type { StackConfig } from "./stackConfigSchema.js";

/** SQS visibility timeouts cannot exceed 12 hours. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * The queue's visibility timeout: six times the consumer's timeout plus the batching window,
 * as AWS advises for a Lambda event source, so a message is not redelivered while a slow or
 * throttled invocation still holds it.
 */
export function queueVisibilityTimeoutSeconds(config: StackConfig): number {
  return Math.min(
    6 * config.consumer.timeoutSeconds + config.consumer.batchingWindowSeconds,
    MAX_VISIBILITY_TIMEOUT_SECONDS,
  );
}

/**
 * `TimeoutSeconds` of the workflow's Task states: a little over the step functions' own
 * timeout, so Lambda's timeout (with its clear error) fires first.
 */
export function workflowStepTimeoutSeconds(config: StackConfig): number {
  return config.steps.timeoutSeconds + 5;
}
