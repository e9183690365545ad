import { describe, expect, it } from "vitest";
import { benchCost, type CostBenchOptions, costTasksNamed } from "../src/cost/costBench.js";
import { formatCostReport } from "../src/cost/formatCostReport.js";

// A small run of the real benchmark, so `pnpm bench:cost` cannot rot. It asserts what is
// counted (requests, transitions, invocations), never a duration or a price that depends on one.
/** A run of `tasks` tasks of each type through one stack, all of them submitted at once. */
function smallRun(stack: string, tasks: number, more: Partial<CostBenchOptions> = {}) {
  return benchCost({ tasks, stacks: [stack], concurrency: tasks, timeoutMs: 90_000, ...more });
}

describe("benchCost", () => {
  it("runs every task type through the dev stack and counts what each task calls", async () => {
    // Act
    const result = await smallRun("dev", 3);

    // Assess
    const [dev] = result.stacks;
    if (!dev) throw new Error("no dev report");
    const byType = new Map(dev.taskTypes.map((t) => [t.type, t]));
    expect([...byType.keys()]).toEqual(["echo", "sleep", "flaky", "fail"]);
    for (const t of dev.taskTypes) {
      expect(t.succeeded + t.failed).toBe(3);
      expect(t.perTask.api.requests).toBe(1);
      expect(t.perTask.requests).toContainEqual(
        expect.objectContaining({ service: "DynamoDB", action: "PutItem", count: 1 }),
      );
      expect(t.cost.total).toBeGreaterThan(0);
    }
    expect(byType.get("fail")?.failed).toBe(3);
    expect(byType.get("echo")?.standardTransitions).toBeLessThanOrEqual(4);
    expect(byType.get("flaky")?.retries).toBe(2);
    expect(byType.get("sleep")?.polls).toBeGreaterThanOrEqual(1);
    expect(dev.poll?.polls).toBeGreaterThanOrEqual(3);
    expect(dev.ceilings.binding.tasksPerSecond).toBeGreaterThan(0);
    expect(formatCostReport(result)).toContain("## Stack dev");
  }, 120_000);

  it("with --express off runs a short task on Standard in 4 transitions, and says so", async () => {
    // Act
    const result = await smallRun("prod", 1, { express: "off", types: ["echo"] });

    // Assess
    const [prod] = result.stacks;
    const echo = prod?.taskTypes.find((t) => t.type === "echo");
    expect(prod?.settings.express).toBe("off");
    expect(echo?.workflow).toBe("STANDARD");
    expect(echo?.standardTransitions).toBe(4);
    expect(prod?.taskTypes.map((t) => t.type)).toEqual(["echo"]);
    expect(formatCostReport(result)).toContain("workflow.express off");
  }, 120_000);

  it("runs the task types named, in its own order, and refuses a type it does not know", () => {
    expect(costTasksNamed(["fail", "echo"]).map((t) => t.type)).toEqual(["echo", "fail"]);
    expect(costTasksNamed(undefined).map((t) => t.type)).toEqual([
      "echo",
      "sleep",
      "flaky",
      "fail",
    ]);
    expect(() => costTasksNamed(["echo", "word-count"])).toThrow(
      'unknown task type "word-count": bench:cost runs echo, sleep, flaky, fail',
    );
    expect(() => costTasksNamed([])).toThrow("no task type named");
  });
});
