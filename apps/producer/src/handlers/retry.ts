import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { isTaskId } from "@tasklane/shared-task";
import { readOperators, requireEnv } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import { actorOf } from "../actor.js";
import { createHttpHandler } from "../httpHandler.js";
import { jsonResponse, pathId } from "../httpRequest.js";
import { HttpProblem, problemResponse, problems } from "../problem.js";
import { readRetryBody } from "../retryBody.js";
import { retryTask } from "../retryTask.js";

const operators = readOperators();
const deps = {
  records: new TaskRecords(tableClient(), { tableName: requireEnv("tableName") }),
  sqs: new SQSClient({}),
  queueUrl: requireEnv("queueUrl"),
};

export const handler = createHttpHandler("tasklane-retry", {
  "POST /tasks/{id}/retry": async (event, { logger, metrics }) => {
    const id = pathId(event);
    if (!isTaskId(id)) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    const { generation } = readRetryBody(event);
    const outcome = await retryTask(deps, id, actorOf(event, operators), generation);
    switch (outcome.kind) {
      case "not-found":
        throw new HttpProblem(problems.notFound(`there is no task ${id}`));
      case "conflict": {
        const { status, generation: current } = outcome.record;
        const why =
          generation !== undefined && current !== generation
            ? `task ${id} is at generation ${current}, not ${generation}: someone retried it first`
            : `task ${id} is ${status}; only failed or cancelled tasks can be retried`;
        throw new HttpProblem(
          problems.conflict(why, { taskStatus: status, taskGeneration: current }),
        );
      }
      case "unavailable":
        metrics.addMetric(
          outcome.restored ? "RetriesRolledBack" : "RollbacksLeftForResend",
          MetricUnit.Count,
          1,
        );
        logger.warn("retry refused", { taskId: id, restored: outcome.restored });
        return problemResponse(problems.unavailable(outcome.detail), { "retry-after": "1" });
      case "queued": {
        const { record } = outcome;
        logger.info("task retried", { taskId: id, generation: record.generation });
        metrics.addMetric("TasksRetried", MetricUnit.Count, 1);
        return jsonResponse(
          202,
          { id: record.id, type: record.type, generation: record.generation, status: "queued" },
          { location: `/tasks/${record.id}` },
        );
      }
    }
  },
});
