import { describe, expect, it } from "vitest";
import { formatComparison } from "../src/baselineRun.js";
import type { BenchResult } from "../src/benchLocal.js";

function result(tasksPerSecond: number, p50: number): BenchResult {
  return {
    tasks: 100,
    succeeded: 100,
    submitSeconds: 2,
    wallSeconds: 100 / tasksPerSecond,
    tasksPerSecond,
    latencyMs: { count: 100, p50, p90: p50 * 2, p99: p50 * 3, max: p50 * 4, mean: p50 },
    peakRssMiB: 500,
    config: { maximumConcurrency: 5, batchSize: 10, batchingWindowSeconds: 0 },
  };
}

describe("formatComparison", () => {
  it("prints this tree's figures beside the baseline's, with the relative change", () => {
    // Act
    const table = formatComparison(result(110, 800), result(100, 1000), "9554dd9abcdef0123");

    // Assess
    expect(table).toMatch(
      /throughput \(tasks\/s\)\s+110\.0\s+100\.0\s+10\.0% \(higher is better\)/,
    );
    expect(table).toMatch(/latency p50 \(ms\)\s+800\.0\s+1000\.0\s+-20\.0% \(lower is better\)/);
    expect(table).toContain("9554dd9abcde");
    expect(table).toContain("100/100 and 100/100 succeeded");
  });
});
