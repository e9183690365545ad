import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readExpressWorkflow, requireEnv } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { expressTaskTypes, type StartOutcome, startTaskExecution } from "../startTaskExecution.js";
import { taskDefinitions } from "../taskDefinitions.js";

const logger = new Logger({ serviceName: "tasklane-start-executions" });
const metrics = new Metrics({ namespace: "Tasklane", serviceName: "tasklane-start-executions" });
const express = readExpressWorkflow();
const deps = {
  sfn: new SFNClient({}),
  records: new TaskRecords(tableClient(), { tableName: requireEnv("tableName") }),
  stateMachineArn: requireEnv("stateMachineArn"),
  // Which workflow each task type runs on, decided once from the deployed workflows' bounds.
  express: express && {
    stateMachineArn: express.stateMachineArn,
    types: expressTaskTypes(taskDefinitions.list(), express.bounds),
  },
};

/** The metric each outcome counts, so a dashboard says what became of every message. */
const OUTCOME_METRICS: Record<StartOutcome, string> = {
  started: "TasksStarted",
  duplicate: "DuplicateDeliveries",
  cancelled: "CancelledSkipped",
  orphan: "OrphanMessages",
  stale: "StaleMessages",
};

async function recordHandler(record: SQSRecord): Promise<void> {
  try {
    const result = await startTaskExecution(deps, record.body);
    const { id, type, generation } = result.envelope;
    const log = result.outcome === "orphan" || result.outcome === "stale" ? "warn" : "info";
    logger[log](`execution ${result.outcome}`, {
      // The task id, as the step functions log it; the submitting request has its own key.
      correlation_id: id,
      request_id: result.envelope.correlationId,
      taskId: id,
      type,
      generation,
      messageId: record.messageId,
    });
    metrics.addMetric(OUTCOME_METRICS[result.outcome], MetricUnit.Count, 1);
  } catch (error) {
    logger.warn("message not processed; SQS will redeliver it, then move it to the DLQ", {
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: error as Error,
    });
    throw error;
  }
}

/**
 * The SQS event source mapping's target: starts one execution per message and reports each
 * failed message (ReportBatchItemFailures), so only those are redelivered.
 *
 * A processor keeps the batch's records and failures in its own fields, and `prepare()` clears
 * them, so each invocation gets its own: one shared processor would let a concurrent invocation
 * (several pollers share one module instance in the local runtime) wipe another's failures, and
 * those messages would be deleted unprocessed.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const fifo = event.Records[0]?.eventSourceARN.endsWith(".fifo") ?? false;
  try {
    return fifo
      ? // A failure holds back the rest of its message group only; other groups keep flowing.
        await processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
          context,
          skipGroupOnError: true,
        })
      : await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
          context,
        });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
