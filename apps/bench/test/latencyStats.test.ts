import { describe, expect, it } from "vitest";
import { percentile, summarize } from "../src/latencyStats.js";

describe("latency statistics", () => {
  it("takes percentiles by nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);

    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it("summarizes unsorted samples", () => {
    expect(summarize([30, 10, 20])).toEqual({
      count: 3,
      p50: 20,
      p90: 30,
      p99: 30,
      max: 30,
      mean: 20,
    });
  });
});
