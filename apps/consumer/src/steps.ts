import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { ERROR_NAMES } from "@tasklane/shared-task";
import { createTaskSteps, type TaskSteps } from "@tasklane/shared-task/steps";
import { optionalEnv, readResultExpirationDays, requireEnv } from "@tasklane/stack-config";
import { S3BlobStore, TaskRecords, tableClient } from "@tasklane/task-store";
import type { Context } from "aws-lambda";
import { taskDefinitions } from "./taskDefinitions.js";

/**
 * The step cores over the tasks table and S3, as every step function builds them at cold
 * start. The S3 client is made on first use: only steps with large payloads ever need it.
 */
export function stepsFromEnvironment(): TaskSteps {
  let s3: S3BlobStore | undefined;
  const blobs = () => {
    s3 ??= new S3BlobStore(new S3Client({}));
    return s3;
  };
  return createTaskSteps({
    tasks: taskDefinitions,
    records: new TaskRecords(tableClient(), {
      tableName: requireEnv("tableName"),
      resultExpirationDays: readResultExpirationDays(),
    }),
    store: {
      getText: (location) => blobs().getText(location),
      putText: (location, body) => blobs().putText(location, body),
    },
    buckets: { payloads: optionalEnv("payloadsBucket"), results: optionalEnv("resultsBucket") },
  });
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
      logger.info("step done", { ...keys, result: summarize(result) });
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
export function ageOf(task: TaskRef): number | undefined {
  const created = task.createdAt ? Date.parse(task.createdAt) : Number.NaN;
  return Number.isNaN(created) ? undefined : Date.now() - created;
}

export { MetricUnit };
