import { buildWorkflow, STATE_NAMES } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import { backEdges, workflowGraph, workflowTransitions } from "../src/build/workflowGraph.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:test-${name}`;
const definition = buildWorkflow({
  functions: {
    createTask: arn("create"),
    checkTaskStatus: arn("check"),
    taskCompleted: arn("completed"),
    markFailed: arn("failed"),
  },
});

describe("workflowGraph", () => {
  const graph = workflowGraph(definition);

  it("draws every state of the ASL document once, starting at its StartAt", () => {
    expect(graph.startAt).toBe(STATE_NAMES.createTask);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(Object.keys(definition.States).sort());
    expect(graph.nodes.find((n) => n.id === STATE_NAMES.createTask)?.retries).toBe(true);
  });

  it("draws every transition: each Next, Choice rule, Default and Catch", () => {
    const drawn = graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}`);

    expect(drawn).toEqual(
      expect.arrayContaining([
        "CreateTask>IsTaskDone:next",
        "IsTaskDone>TaskCompleted:choice",
        "IsTaskDone>PollLimitExceeded:choice",
        "IsTaskDone>WaitForTaskCompletion:default",
        "WaitForTaskCompletion>CheckTaskStatus:next",
        "CheckTaskStatus>IsTaskDone:next",
        "CreateTask>MarkFailed:catch",
        "CheckTaskStatus>MarkFailed:catch",
        "TaskCompleted>MarkFailed:catch",
        "MarkFailed>Failed:next",
      ]),
    );
    expect(drawn).toHaveLength(workflowTransitions(definition).length);
  });

  it("lays the happy path out top to bottom, the loop's way back going up", () => {
    const y = (id: string) => graph.nodes.find((n) => n.id === id)?.y ?? Number.NaN;

    expect(y("CreateTask")).toBeLessThan(y("IsTaskDone"));
    expect(y("IsTaskDone")).toBeLessThan(y("TaskCompleted"));
    expect(y("TaskCompleted")).toBeLessThan(y("Succeeded"));
    expect(y("MarkFailed")).toBeLessThan(y("Failed"));
    const loop = graph.edges.find((e) => e.from === "CheckTaskStatus" && e.to === "IsTaskDone");
    expect(loop?.points.at(0)?.y).toBeGreaterThan(
      loop?.points.at(-1)?.y ?? Number.POSITIVE_INFINITY,
    );
  });

  it("keeps every box and line inside the drawing, with no two boxes overlapping", () => {
    for (const n of graph.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(graph.height);
    }
    for (const p of graph.edges.flatMap((e) => e.points)) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(graph.width);
    }
    for (const a of graph.nodes) {
      for (const b of graph.nodes) {
        if (a === b) continue;
        const apart =
          Math.abs(a.x - b.x) >= (a.width + b.width) / 2 ||
          Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
      }
    }
  });
});

describe("backEdges", () => {
  it("finds the poll loop's return and nothing else", () => {
    const transitions = workflowTransitions(definition);

    const back = [...backEdges(definition.StartAt, transitions)].map((i) => transitions[i]);

    expect(back).toEqual([{ from: "CheckTaskStatus", to: "IsTaskDone", kind: "next" }]);
  });
});
