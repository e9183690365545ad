import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SFNClient } from "@aws-sdk/client-sfn";
import { isTaskId } from "@tasklane/shared-task";
import { readOperators, readResultExpirationDays, requireEnv } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import { actorOf } from "../actor.js";
import { cancelTask } from "../cancelTask.js";
import { createHttpHandler } from "../httpHandler.js";
import { jsonResponse, pathId } from "../httpRequest.js";
import { presentTask } from "../presentTask.js";
import { HttpProblem, problems } from "../problem.js";

const operators = readOperators();
const deps = {
  records: new TaskRecords(tableClient(), {
    tableName: requireEnv("tableName"),
    resultExpirationDays: readResultExpirationDays(),
  }),
  sfn: new SFNClient({}),
  stateMachineArn: requireEnv("stateMachineArn"),
};
// A cancelled task has no output to read.
const noPayloads = { load: () => Promise.reject(new Error("a cancelled task has no output")) };

export const handler = createHttpHandler("tasklane-cancel", {
  "DELETE /tasks/{id}": async (event, { logger, metrics }) => {
    const id = pathId(event);
    if (!isTaskId(id)) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    const outcome = await cancelTask(deps, id, actorOf(event, operators));
    if (outcome.kind === "not-found")
      throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    if (outcome.kind === "finished") {
      throw new HttpProblem(
        problems.conflict(
          `task ${id} already finished (${outcome.record.status}); there is nothing to cancel`,
          { taskStatus: outcome.record.status },
        ),
      );
    }
    if (outcome.stop === "failed") {
      logger.warn("task cancelled, but its execution could not be stopped now", { taskId: id });
      metrics.addMetric("CancelStopsFailed", MetricUnit.Count, 1);
    }
    if (!outcome.alreadyCancelled) {
      logger.info("task cancelled", { taskId: id, generation: outcome.record.generation });
      metrics.addMetric("TasksCancelled", MetricUnit.Count, 1);
    }
    return jsonResponse(200, await presentTask(outcome.record, noPayloads));
  },
});
