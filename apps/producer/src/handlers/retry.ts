import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { isTaskId } from "@tasklane/shared-task";
import { TaskStore } from "@tasklane/task-store";
import { createHttpHandler } from "../httpHandler.js";
import { jsonResponse, pathId } from "../httpRequest.js";
import { HttpProblem, problemResponse, problems } from "../problem.js";
import { retryTask } from "../retryTask.js";
import { requireEnv } from "../settings.js";

const deps = {
  store: new TaskStore(new S3Client({}), { payloads: "", results: requireEnv("resultsBucket") }),
  sfn: new SFNClient({}),
  sqs: new SQSClient({}),
  stateMachineArn: requireEnv("stateMachineArn"),
  queueUrl: requireEnv("queueUrl"),
  now: () => new Date(),
};

export const handler = createHttpHandler("tasklane-retry", {
  "POST /tasks/{id}/retry": async (event, { logger, metrics }) => {
    const id = pathId(event);
    if (!isTaskId(id)) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    const outcome = await retryTask(deps, id);
    switch (outcome.kind) {
      case "not-found":
        throw new HttpProblem(problems.notFound(`there is no task ${id}`));
      case "not-retryable":
        throw new HttpProblem(
          problems.conflict(
            `task ${id} is ${outcome.view.status}; only failed or cancelled tasks can be retried`,
            { taskStatus: outcome.view.status },
          ),
        );
      case "unavailable":
        return problemResponse(problems.unavailable(outcome.detail), { "retry-after": "1" });
      case "queued":
        logger.info("task retried", { taskId: id, generation: outcome.generation });
        metrics.addMetric("TasksRetried", MetricUnit.Count, 1);
        return jsonResponse(
          202,
          { id: outcome.id, type: outcome.type, generation: outcome.generation, status: "queued" },
          { location: `/tasks/${outcome.id}` },
        );
    }
  },
});
