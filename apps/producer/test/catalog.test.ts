import { describe, expect, it } from "vitest";
import { apiEvent, call } from "./helpers/apiEvents.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { catalog } = producerSuite({}, ["catalog"]);

describe("GET /task-types", () => {
  it("lists every task type with its description and JSON Schemas", async () => {
    const response = await call(
      catalog,
      apiEvent({ routeKey: "GET /task-types", path: "/task-types" }),
    );

    expect(response.status).toBe(200);
    expect(response.body.types.map((t: { type: string }) => t.type)).toEqual([
      "echo",
      "fail",
      "flaky",
      "sleep",
      "word-count",
    ]);
    const wordCount = response.body.types.find((t: { type: string }) => t.type === "word-count");
    expect(wordCount).toMatchObject({
      description: expect.stringContaining("Counts the words"),
      inputSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { text: { type: "string" } },
        required: ["text"],
      },
      outputSchema: { properties: { words: { type: "integer" } } },
    });
  });
});

describe("routes the API does not have", () => {
  it.each([
    ["PUT", "/tasks/0190f5b2-7c1e-7d3a-9f00-123456789abc", 405, "DELETE, GET"],
    ["PATCH", "/tasks", 405, "GET, POST"],
    // API Gateway sends GET /tasks/batch to GET /tasks/{id}; only other methods reach $default.
    ["PUT", "/tasks/batch", 405, "DELETE, GET, POST"],
    ["GET", "/nothing-here", 404, undefined],
  ])("%s %s -> %i", async (method, path, status, allow) => {
    const event = apiEvent({ routeKey: "$default", path });
    event.requestContext.http.method = method;

    const response = await call(catalog, event);

    expect(response.status).toBe(status);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.headers.allow).toBe(allow);
  });
});
