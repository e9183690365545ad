import { describe, expect, it } from "vitest";
import { benchLocal, formatBenchResult } from "../src/benchLocal.js";

// A small run of the real benchmark, so `pnpm bench:local` cannot rot; its figures are printed
// by the benchmark itself, never asserted as timings.
describe("benchLocal", () => {
  it("pushes tasks through the local runtime and reports every one succeeded", async () => {
    const result = await benchLocal({
      tasks: 50,
      batchSize: 25,
      concurrency: 2,
      timeoutMs: 60_000,
    });

    expect(result).toMatchObject({ tasks: 50, succeeded: 50 });
    expect(result.latencyMs.count).toBe(50);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(formatBenchResult(result)).toContain("50/50 succeeded");
  }, 90_000);
});
