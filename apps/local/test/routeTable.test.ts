import { describe, expect, it } from "vitest";
import { RouteTable } from "../src/index.js";

const table = new RouteTable(
  [
    "GET /tasks",
    "POST /tasks",
    "POST /tasks/batch",
    "GET /tasks/{id}",
    "DELETE /tasks/{id}",
    "POST /tasks/{id}/retry",
    "ANY /tasks/{id}/notes",
    "GET /tasks/{id}/notes",
    "ANY /static/{proxy+}",
    "$default",
  ].map((routeKey) => ({ routeKey, target: routeKey })),
);

describe("HTTP API routing", () => {
  describe.each([
    { method: "GET", path: "/tasks", route: "GET /tasks", params: undefined },
    { method: "POST", path: "/tasks/batch", route: "POST /tasks/batch", params: undefined },
    {
      method: "POST",
      path: "/tasks/abc/retry",
      route: "POST /tasks/{id}/retry",
      params: { id: "abc" },
    },
    { method: "GET", path: "/tasks/batch", route: "GET /tasks/{id}", params: { id: "batch" } },
    { method: "GET", path: "/tasks/1/notes", route: "GET /tasks/{id}/notes", params: { id: "1" } },
    { method: "PUT", path: "/tasks/1/notes", route: "ANY /tasks/{id}/notes", params: { id: "1" } },
    {
      method: "GET",
      path: "/static/a/b.css",
      route: "ANY /static/{proxy+}",
      params: { proxy: "a/b.css" },
    },
    { method: "PUT", path: "/tasks", route: "$default", params: undefined },
    { method: "GET", path: "/tasks/", route: "$default", params: undefined },
    { method: "GET", path: "/Tasks", route: "$default", params: undefined },
    { method: "GET", path: "/static", route: "$default", params: undefined },
  ])("$method $path", ({ method, path, route, params }) => {
    it(`goes to ${route}`, () => {
      // Act
      const match = table.match(method, path);

      // Assess
      expect(match?.route.routeKey).toBe(route);
      expect(match?.pathParameters).toEqual(params);
    });
  });

  it("matches nothing without a $default route", () => {
    // Prepare
    const noDefault = new RouteTable([{ routeKey: "GET /a", target: "a" }]);

    // Act & Assess
    expect(noDefault.match("GET", "/b")).toBeUndefined();
  });
});
