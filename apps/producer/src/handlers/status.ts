import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { isTaskId } from "@tasklane/shared-task";
import { readTaskView, TaskStore } from "@tasklane/task-store";
import { createHttpHandler } from "../httpHandler.js";
import { jsonResponse, pathId } from "../httpRequest.js";
import { listTasks, parseListQuery } from "../listTasks.js";
import { presentTask } from "../presentTask.js";
import { HttpProblem, problems } from "../problem.js";
import { requireEnv } from "../settings.js";

const deps = {
  // Only the results bucket is read here; the payloads bucket is never touched.
  store: new TaskStore(new S3Client({}), { payloads: "", results: requireEnv("resultsBucket") }),
  sfn: new SFNClient({}),
  stateMachineArn: requireEnv("stateMachineArn"),
};

export const handler = createHttpHandler("tasklane-status", {
  "GET /tasks/{id}": async (event) => {
    const id = pathId(event);
    const view = isTaskId(id) ? await readTaskView(deps, id) : undefined;
    if (!view) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    return jsonResponse(200, await presentTask(view, deps.store), { "cache-control": "no-store" });
  },

  "GET /tasks": async (event) => {
    const parsed = parseListQuery(event.queryStringParameters ?? {}, new Date());
    if ("errors" in parsed) {
      throw new HttpProblem(problems.badRequest("invalid query parameters", parsed.errors));
    }
    return jsonResponse(200, await listTasks(deps, parsed.query), { "cache-control": "no-store" });
  },
});
