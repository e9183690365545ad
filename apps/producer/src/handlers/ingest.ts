import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { BATCH_MAX_TASKS } from "@tasklane/shared-task";
import { requireEnv, requirePositiveInt } from "@tasklane/stack-config";
import { TaskPayloads, TaskRecords, tableClient } from "@tasklane/task-store";
import { s3ObjectsOnDemand } from "@tasklane/task-store/s3-on-demand";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createHttpHandler } from "../httpHandler.js";
import { callerIdentity, header, jsonResponse, readJsonBody } from "../httpRequest.js";
import { HttpProblem, type Problem, problemResponse, problems } from "../problem.js";
import type { RequestLogger } from "../requestLogger.js";
import { type SubmitOutcome, submitTasks } from "../submitTasks.js";
import { taskContracts } from "../taskContracts.js";
import { batchItems, type ValidSubmission, validateSubmission } from "../validateSubmission.js";

const maxBodyBytes = requirePositiveInt("maxBodyBytes");
const deps = {
  records: new TaskRecords(tableClient(), { tableName: requireEnv("tableName") }),
  payloads: new TaskPayloads(s3ObjectsOnDemand(), {
    payloads: requireEnv("payloadsBucket"),
    results: "",
  }),
  sqs: new SQSClient({}),
  queueUrl: requireEnv("queueUrl"),
  inlineInputMaxBytes: requirePositiveInt("inlineInputMaxBytes"),
  now: () => new Date(),
};

function accepted(outcome: Extract<SubmitOutcome, { kind: "accepted" }>) {
  return { id: outcome.id, type: outcome.type, status: "queued" as const };
}

/** Counts and logs what a refused submission left behind, so no rollback goes unseen. */
function noteRollbacks(outcomes: SubmitOutcome[], logger: RequestLogger, metrics: Metrics) {
  for (const outcome of outcomes) {
    if (outcome.kind !== "unavailable" || outcome.rollback === "none") continue;
    const metric =
      outcome.rollback === "rolled-back" ? "SubmissionsRolledBack" : "RollbacksLeftForResend";
    metrics.addMetric(metric, MetricUnit.Count, 1);
    logger.warn(`submission refused: ${outcome.rollback}`, { detail: outcome.detail });
  }
}

function failed(outcome: Exclude<SubmitOutcome, { kind: "accepted" }>) {
  return outcome.kind === "conflict"
    ? problems.conflict(outcome.detail, { taskId: outcome.id })
    : problems.unavailable(outcome.detail);
}

export const handler = createHttpHandler("tasklane-ingest", {
  "POST /tasks": async (
    event,
    { correlationId, logger, metrics },
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = readJsonBody(event, maxBodyBytes);
    const check = validateSubmission(body, taskContracts, {
      idempotencyKey: header(event, "idempotency-key"),
    });
    if (!check.ok) {
      metrics.addMetric("TasksRejected", MetricUnit.Count, 1);
      throw new HttpProblem(
        check.status === 400
          ? problems.badRequest(check.errors.map((e) => e.message).join("; "), check.errors)
          : problems.validation(check.errors),
      );
    }
    const outcomes = await submitTasks(deps, callerIdentity(event), correlationId, [
      check.submission,
    ]);
    noteRollbacks(outcomes, logger, metrics);
    const [outcome] = outcomes;
    if (!outcome) throw new Error("submitTasks returned no outcome");
    if (outcome.kind !== "accepted") {
      return problemResponse(
        failed(outcome),
        outcome.kind === "unavailable" ? { "retry-after": "1" } : {},
      );
    }
    logger.info("task accepted", {
      taskId: outcome.id,
      type: outcome.type,
      replayed: outcome.replayed,
    });
    if (!outcome.replayed) metrics.addMetric("TasksAccepted", MetricUnit.Count, 1);
    return jsonResponse(202, accepted(outcome), {
      location: `/tasks/${outcome.id}`,
      ...(outcome.replayed ? { "idempotent-replayed": "true" } : {}),
    });
  },

  "POST /tasks/batch": async (event, { correlationId, logger, metrics }) => {
    const body = readJsonBody(event, maxBodyBytes);
    const batch = batchItems(body, BATCH_MAX_TASKS);
    if ("errors" in batch) throw new HttpProblem(problems.validation(batch.errors));

    type ItemResult = { index: number } & (ReturnType<typeof accepted> | { error: Problem });
    const results: ItemResult[] = new Array(batch.items.length);
    const valid: { index: number; submission: ValidSubmission }[] = [];
    batch.items.forEach((item, index) => {
      const check = validateSubmission(item, taskContracts, { batchItem: true });
      if (check.ok) valid.push({ index, submission: check.submission });
      else results[index] = { index, error: problems.validation(check.errors) };
    });
    const outcomes = await submitTasks(
      deps,
      callerIdentity(event),
      correlationId,
      valid.map((v) => v.submission),
    );
    noteRollbacks(outcomes, logger, metrics);
    outcomes.forEach((outcome, i) => {
      const index = valid[i]?.index as number;
      results[index] =
        outcome.kind === "accepted"
          ? { index, ...accepted(outcome) }
          : { index, error: failed(outcome) };
    });
    const acceptedCount = outcomes.filter((o) => o.kind === "accepted" && !o.replayed).length;
    const rejected = results.filter((r) => "error" in r).length;
    metrics.addMetric("TasksAccepted", MetricUnit.Count, acceptedCount);
    metrics.addMetric("TasksRejected", MetricUnit.Count, rejected);
    logger.info("batch submitted", {
      tasks: results.length,
      accepted: results.length - rejected,
      rejected,
    });
    if (rejected === results.length) {
      // Nothing accepted is an error response, so a problem document, with each item's problem.
      const problem = problems.batchRejected(
        results.filter((r): r is { index: number; error: Problem } => "error" in r),
      );
      return problemResponse(problem, problem.status === 503 ? { "retry-after": "1" } : {});
    }
    return jsonResponse(202, { accepted: results.length - rejected, rejected, results });
  },
});
