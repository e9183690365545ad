import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { requireEnv } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import type { Context, ScheduledEvent } from "aws-lambda";
import { resendUnsent } from "../resendUnsent.js";

const logger = new Logger({ serviceName: "tasklane-resend-unsent" });
const metrics = new Metrics({ namespace: "Tasklane", serviceName: "tasklane-resend-unsent" });
const deps = {
  records: new TaskRecords(tableClient(), { tableName: requireEnv("tableName") }),
  sqs: new SQSClient({}),
  queueUrl: requireEnv("queueUrl"),
  now: () => new Date(),
};

/** Every minute (an EventBridge schedule): sends the envelopes whose senders stopped midway. */
export const handler = async (_event: ScheduledEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  try {
    const report = await resendUnsent(deps);
    if (report.found > 0) logger.warn("resent stranded tasks", { ...report });
    metrics.addMetric("StrandedTasksResent", MetricUnit.Count, report.resent);
    metrics.addMetric("StrandedResendsFailed", MetricUnit.Count, report.failed);
  } finally {
    metrics.publishStoredMetrics();
  }
};
