import { describe, expect, it } from "vitest";
import { median, pairRatios, runPairs, summarizePairs } from "../src/coldStart/pairedStats.js";

describe("paired load statistics", () => {
  it.each([
    { values: [3, 1, 2], expected: 2 },
    { values: [4, 1, 3, 2], expected: 2.5 },
    { values: [7], expected: 7 },
  ])("takes the median of $values", ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it("has no median of nothing", () => {
    expect(median([])).toBeNaN();
  });

  it("divides within each pair, not median by median", () => {
    // Prepare: the machine slows down halfway; ours is always half the default's time.
    const pairs = [
      { oursMs: 10, defaultMs: 20 },
      { oursMs: 11, defaultMs: 22 },
      { oursMs: 50, defaultMs: 100 },
      { oursMs: 60, defaultMs: 120 },
    ];

    // Act
    const summary = summarizePairs(pairs);

    // Assess
    expect(pairRatios(pairs)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(summary.ratio).toEqual({ median: 0.5, min: 0.5, max: 0.5 });
    expect(summary.oursMs).toEqual({ median: 30.5, min: 10, max: 60 });
    expect(summary.defaultMs).toEqual({ median: 61, min: 20, max: 120 });
    expect(summary.pairs).toBe(4);
  });

  it("runs ours and the default build alternately and pairs each run with the next", async () => {
    const order: string[] = [];
    let tick = 0;
    const pairs = await runPairs(
      3,
      async () => {
        order.push("ours");
        return ++tick;
      },
      async () => {
        order.push("default");
        return ++tick;
      },
    );

    expect(order).toEqual(["ours", "default", "ours", "default", "ours", "default"]);
    expect(pairs).toEqual([
      { ours: 1, other: 2 },
      { ours: 3, other: 4 },
      { ours: 5, other: 6 },
    ]);
  });
});
