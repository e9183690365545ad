import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { isTaskId } from "@tasklane/shared-task";
import { TaskStore } from "@tasklane/task-store";
import { cancelTask } from "../cancelTask.js";
import { createHttpHandler } from "../httpHandler.js";
import { callerIdentity, jsonResponse, pathId } from "../httpRequest.js";
import { presentTask } from "../presentTask.js";
import { HttpProblem, problems } from "../problem.js";
import { requireEnv } from "../settings.js";

const deps = {
  store: new TaskStore(new S3Client({}), { payloads: "", results: requireEnv("resultsBucket") }),
  sfn: new SFNClient({}),
  stateMachineArn: requireEnv("stateMachineArn"),
  now: () => new Date(),
};

export const handler = createHttpHandler("tasklane-cancel", {
  "DELETE /tasks/{id}": async (event, { logger, metrics }) => {
    const id = pathId(event);
    if (!isTaskId(id)) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    const outcome = await cancelTask(deps, id, callerIdentity(event));
    if (outcome.kind === "not-found")
      throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    if (outcome.kind === "finished") {
      throw new HttpProblem(
        problems.conflict(
          `task ${id} already finished (${outcome.view.status}); there is nothing to cancel`,
          {
            taskStatus: outcome.view.status,
          },
        ),
      );
    }
    logger.info("task cancelled", { taskId: id });
    metrics.addMetric("TasksCancelled", MetricUnit.Count, 1);
    return jsonResponse(200, await presentTask(outcome.view, deps.store));
  },
});
