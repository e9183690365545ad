import { describe, expect, it } from "vitest";
import { benchCost } from "../src/cost/costBench.js";
import { formatCostReport } from "../src/cost/formatCostReport.js";

// A small run of the real benchmark, so `pnpm bench:cost` cannot rot. It asserts what is
// counted (requests, transitions, invocations), never a duration or a price that depends on one.
describe("benchCost", () => {
  it("runs every task type through the dev stack and counts what each task calls", async () => {
    // Act
    const result = await benchCost({
      tasks: 3,
      stacks: ["dev"],
      concurrency: 3,
      timeoutMs: 90_000,
    });

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
    const result = await benchCost({
      tasks: 1,
      stacks: ["prod"],
      concurrency: 1,
      timeoutMs: 90_000,
      express: "off",
    });

    // Assess
    const [prod] = result.stacks;
    const echo = prod?.taskTypes.find((t) => t.type === "echo");
    expect(prod?.settings.express).toBe("off");
    expect(echo?.workflow).toBe("STANDARD");
    expect(echo?.standardTransitions).toBe(4);
    expect(formatCostReport(result)).toContain("workflow.express off");
  }, 120_000);
});
