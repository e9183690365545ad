import { isTaskId } from "@tasklane/shared-task";
import { readOperators, requireEnv } from "@tasklane/stack-config";
import { InvalidCursorError, TaskPayloads, TaskRecords, tableClient } from "@tasklane/task-store";
import { s3ObjectsOnDemand } from "@tasklane/task-store/s3-on-demand";
import { actorOf } from "../actor.js";
import { createHttpHandler } from "../httpHandler.js";
import { jsonResponse, pathId } from "../httpRequest.js";
import { listTasks, parseListQuery } from "../listTasks.js";
import { presentTask } from "../presentTask.js";
import { HttpProblem, problems } from "../problem.js";

const operators = readOperators();
const records = new TaskRecords(tableClient(), { tableName: requireEnv("tableName") });
// Only a large output is ever read here, from the results bucket.
const payloads = new TaskPayloads(s3ObjectsOnDemand(), {
  payloads: "",
  results: requireEnv("resultsBucket"),
});

export const handler = createHttpHandler("tasklane-status", {
  "GET /tasks/{id}": async (event) => {
    const id = pathId(event);
    // Another owner's task is as absent as a task that never existed.
    const record = isTaskId(id) ? await records.getFor(id, actorOf(event, operators)) : undefined;
    if (!record) throw new HttpProblem(problems.notFound(`there is no task ${id}`));
    return jsonResponse(200, await presentTask(record, payloads), { "cache-control": "no-store" });
  },

  "GET /tasks": async (event) => {
    const parsed = parseListQuery(event.queryStringParameters ?? {}, new Date());
    if ("errors" in parsed) {
      throw new HttpProblem(problems.badRequest("invalid query parameters", parsed.errors));
    }
    try {
      const page = await listTasks(records, actorOf(event, operators), parsed.query);
      return jsonResponse(200, page, { "cache-control": "no-store" });
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw new HttpProblem(
        problems.badRequest("invalid query parameters", [
          { path: "cursor", message: error.message },
        ]),
      );
    }
  },
});
