import { createHttpHandler, notRouted } from "../httpHandler.js";

import { describeTaskTypes } from "../taskCatalog.js";
import { taskContracts } from "../taskContracts.js";

// The catalog never changes while a function runs: build it once, at cold start.
const catalog = JSON.stringify({ types: describeTaskTypes(taskContracts) });

export const handler = createHttpHandler("tasklane-catalog", {
  "GET /task-types": async () => ({
    statusCode: 200,
    headers: { "content-type": "application/json", "cache-control": "max-age=60" },
    body: catalog,
  }),
  // Every request no other route matched: a 404, or a 405 naming the allowed methods.
  $default: async (event) => notRouted(event),
});
