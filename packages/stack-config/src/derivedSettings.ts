import type { WorkflowBounds } from "@tasklane/shared-task";
import type { FunctionRole } from "./functionCatalog.js";
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

/** How large and how long-lived a function is. */
export interface FunctionSizing {
  timeoutSeconds: number;
  memoryMb: number;
}

/**
 * The timeout and memory of a catalog function of this role: the stack config's section for it
 * (the producer's for the API and schedule, the consumer's for the queue, the steps' for the
 * workflow), deployed by the Pulumi program and applied by the local runtime alike.
 */
export function functionSizing(
  config: Pick<StackConfig, "producer" | "consumer" | "steps">,
  role: FunctionRole,
): FunctionSizing {
  const { timeoutSeconds, memoryMb } = {
    api: config.producer,
    schedule: config.producer,
    queue: config.consumer,
    step: config.steps,
  }[role];
  return { timeoutSeconds, memoryMb };
}

/**
 * `TimeoutSeconds` of the workflow's Task states: a little over the step functions' own
 * timeout, so Lambda's timeout (with its clear error) fires first.
 */
export function workflowStepTimeoutSeconds(config: Pick<StackConfig, "steps">): number {
  return config.steps.timeoutSeconds + 5;
}

/**
 * The retries and time limits both workflows are built with (shared-task's `buildWorkflows`),
 * and that the consumer decides each task's workflow with (`workflowFor`): the Pulumi program,
 * the local runtime and the consumer's environment all take them from here.
 */
export function workflowBounds(
  config: Pick<StackConfig, "workflow" | "steps">,
): Required<Omit<WorkflowBounds, "lambdaRetry">> {
  return {
    taskRetry: config.workflow.taskRetry,
    stepTimeoutSeconds: workflowStepTimeoutSeconds(config),
    executionTimeoutSeconds: config.workflow.executionTimeoutSeconds,
    maxPolls: config.workflow.maxPolls,
  };
}

/**
 * The largest `producer.maxBodyBytes`: 4 MiB. Lambda takes at most 6 MB (6,291,456 bytes) per
 * synchronous invocation, and API Gateway may hand the body over base64-encoded (4/3 of its
 * size: 5,592,408 bytes for 4 MiB), leaving some 680 KB for the headers, the request context and
 * the event's JSON around the body.
 */
export const MAX_BODY_BYTES_LIMIT = 4_194_304;

/** The settings that bound how late a queued message can still start its execution. */
export interface MessageLifetimeSettings {
  queue: { fifo: boolean; retentionSeconds: number; dlqRetentionSeconds: number };
  workflow: { executionTimeoutSeconds: number };
}

/**
 * How long, after a task is accepted, its large input (under `inputs/` in the payloads
 * bucket) may still be read, so the bucket's lifecycle must keep it at least this long:
 * - a standard queue keeps a message's enqueue time when it moves it to the DLQ, so the message
 *   can be redriven until `dlqRetentionSeconds` after it was sent; a FIFO queue resets that time
 *   on the move, adding the source queue's `retentionSeconds`;
 * - a redriven message is a new message: it may wait out the queue's `retentionSeconds` again
 *   behind a backlog before the consumer starts its execution;
 * - the execution reads the input in CreateTask, retried within `executionTimeoutSeconds`.
 * A second redrive, or `POST /tasks/{id}/retry` of a failed task, can come later still: see the
 * docs/deploying.md ("Stack configuration") for what happens then.
 */
export function payloadLifetimeNeededSeconds(config: MessageLifetimeSettings): number {
  const beforeRedrive = config.queue.fifo
    ? config.queue.retentionSeconds + config.queue.dlqRetentionSeconds
    : config.queue.dlqRetentionSeconds;
  return beforeRedrive + config.queue.retentionSeconds + config.workflow.executionTimeoutSeconds;
}
