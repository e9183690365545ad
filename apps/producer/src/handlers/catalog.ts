import { createHttpHandler, notRouted } from "../httpHandler.js";

// The catalog never changes while a function runs: built once, by the first request for it.
// Its JSON Schemas come from zod, which is imported only then, not at cold start: the unknown
// routes this function also answers never need it.
let catalog: string | undefined;

async function buildCatalog(): Promise<string> {
  const [{ describeTaskTypes }, { taskContracts }] = await Promise.all([
    import("../taskCatalog.js"),
    import("../taskContracts.js"),
  ]);
  return JSON.stringify({ types: describeTaskTypes(taskContracts) });
}

export const handler = createHttpHandler("tasklane-catalog", {
  "GET /task-types": async () => {
    catalog ??= await buildCatalog();
    return {
      statusCode: 200,
      headers: { "content-type": "application/json", "cache-control": "max-age=60" },
      body: catalog,
    };
  },
  // Every request no other route matched: a 404, or a 405 naming the allowed methods.
  $default: async (event) => notRouted(event),
});
