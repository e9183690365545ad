import { describe, expect, it } from "vitest";
import {
  filtersFromQuery,
  isOldestFirst,
  listQuery,
  mergeTaskPages,
  queryOfFilters,
} from "../src/app/model/taskList.js";
import type { TaskSummary } from "../src/app/model/types.js";

function task(id: string, createdSecond: number, fields: Partial<TaskSummary> = {}): TaskSummary {
  const createdAt = new Date(Date.UTC(2026, 11, 1, 10, 0, createdSecond)).toISOString();
  return {
    id,
    type: "echo",
    status: "succeeded",
    generation: 1,
    attempts: 1,
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

describe("the list's filters", () => {
  it("round-trip through the page's query string, leaving out the defaults", () => {
    const filters = filtersFromQuery(
      new URLSearchParams("status=failed,nope,cancelled&type=flaky&since=24h"),
    );

    expect(filters).toEqual({ statuses: ["failed", "cancelled"], type: "flaky", since: "24h" });
    expect(queryOfFilters(filters)).toBe("?status=failed%2Ccancelled&type=flaky&since=24h");
    expect(queryOfFilters(filtersFromQuery(new URLSearchParams()))).toBe("");
  });

  it("become GET /tasks's query, newest first", () => {
    expect(listQuery({ statuses: ["running"], type: "sleep", since: "15m" }, "c1")).toBe(
      "?since=15m&limit=50&order=newest&status=running&type=sleep&cursor=c1",
    );
  });
});

describe("mergeTaskPages", () => {
  it("shows the fresh first page over older states, newest first, filtered", () => {
    const older = [
      task("a", 1, { status: "running" }),
      task("b", 2),
      task("c", 3, { type: "fail" }),
    ];
    const fresh = [task("d", 4), task("a", 1, { status: "succeeded" })];

    const merged = mergeTaskPages(fresh, older, { statuses: [], type: "echo", since: "1h" });

    expect(merged.map((t) => `${t.id}:${t.status}`)).toEqual([
      "d:succeeded",
      "b:succeeded",
      "a:succeeded",
    ]);
  });
});

describe("isOldestFirst", () => {
  it("tells an API that ignored order=newest", () => {
    expect(isOldestFirst([task("a", 1), task("b", 2)])).toBe(true);
    expect(isOldestFirst([task("b", 2), task("a", 1)])).toBe(false);
    expect(isOldestFirst([task("a", 1)])).toBe(false);
  });
});
