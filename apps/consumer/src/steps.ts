import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type BlobStore, ERROR_NAMES } from "@tasklane/shared-task";
import { createTaskSteps, type TaskSteps } from "@tasklane/shared-task/steps";
import { optionalEnv, readResultExpirationDays, requireEnv } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import type { Context } from "aws-lambda";
import { taskDefinitions } from "./taskDefinitions.js";

/**
 * The step cores over the tasks table and the blob store given, as every step function builds
 * them at cold start. The store comes from the handler, so only the steps that move payloads
 * (CreateTask, CheckTaskStatus) import the S3 client at all.
 */
export function stepsFromEnvironment(store: BlobStore): TaskSteps {
  return createTaskSteps({
    tasks: taskDefinitions,
    records: new TaskRecords(tableClient(), {
      tableName: requireEnv("tableName"),
      resultExpirationDays: readResultExpirationDays(),
    }),
    store,
    buckets: { payloads: optionalEnv("payloadsBucket"), results: optionalEnv("resultsBucket") },
  });
}

/**
 * The store of a step that moves no payloads (TaskCompleted and MarkFailed take the output's
 * reference as it is): using it is a bug, and the error names the step.
 */
export function noBlobStore(state: string): BlobStore {
  const refuse = (location: { bucket: string; key: string }): never => {
    throw new Error(
      `${state} reads and writes no payloads, yet was asked for s3://${location.bucket}/${location.key}; give its handler a blob store`,
    );
  };
  return {
    getText: async (location) => refuse(location),
    putText: async (location) => refuse(location),
  };
}

interface TaskRef {
  id?: string;
  type?: string;
  generation?: number;
  correlationId?: string;
  createdAt?: string;
}

/**
 * A Lambda handler for one workflow step: logs with the task id as correlation id, records the
 * step's metrics, and rethrows errors unchanged, since their `name` is what the state machine's
 * `Retry` and `Catch` match.
 */
export function createStepHandler<Result>(
  service: string,
  run: (event: unknown) => Promise<Result>,
  measure: (result: Result, task: TaskRef, metrics: Metrics) => void = () => undefined,
) {
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: "Tasklane", serviceName: service });
  return async (event: unknown, context: Context): Promise<Result> => {
    logger.addContext(context);
    const task = ((event as { task?: TaskRef })?.task ?? {}) as TaskRef;
    // The keys go with each line rather than through `appendKeys`, which keeps them on the one
    // Logger every invocation of the module shares: where invocations overlap (the local runtime
    // runs several at once), one task's keys would land on another's lines.
    const keys = {
      correlation_id: task.id ?? "unknown",
      taskId: task.id,
      type: task.type,
      generation: task.generation,
      request_id: task.correlationId,
    };
    try {
      const result = await run(event);
      // A step that went well says so in its metrics; its line costs log bytes every task pays
      // for, so it is only written at DEBUG.
      logger.debug("step done", { ...keys, result: summarize(result) });
      measure(result, task, metrics);
      return result;
    } catch (error) {
      const retryable = (error as Error).name === ERROR_NAMES.retryable;
      logger[retryable ? "warn" : "error"]("step failed", { ...keys, error: error as Error });
      throw error;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

function summarize(result: unknown): unknown {
  // Outputs can be large or sensitive: log the step's shape, never the task's data.
  const { output: _output, state: _state, ...rest } = (result ?? {}) as Record<string, unknown>;
  return rest;
}

/** Milliseconds since the task generation was submitted. */
function ageOf(task: TaskRef): number | undefined {
  const created = task.createdAt ? Date.parse(task.createdAt) : Number.NaN;
  return Number.isNaN(created) ? undefined : Date.now() - created;
}

/**
 * The metrics of a step that recorded how a task generation ended, by task type: the end, the
 * attempts it took and, when the task says when it was submitted, its age.
 */
export function measureEnd(
  ended: "TasksSucceeded" | "TasksFailed",
  result: { attempts: number },
  task: TaskRef,
  metrics: Metrics,
): void {
  metrics.addDimension("taskType", task.type ?? "unknown");
  metrics.addMetric(ended, MetricUnit.Count, 1);
  metrics.addMetric("TaskAttempts", MetricUnit.Count, result.attempts);
  const age = ageOf(task);
  if (age !== undefined) metrics.addMetric("TaskDuration", MetricUnit.Milliseconds, age);
}

export { MetricUnit };
