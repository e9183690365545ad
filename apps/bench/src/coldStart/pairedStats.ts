/** The middle value of a list (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One load of our bundle and, right after it, one load of its default build. */
export interface LoadPair {
  oursMs: number;
  defaultMs: number;
}

export interface RangeSummary {
  median: number;
  min: number;
  max: number;
}

export interface PairedSummary {
  pairs: number;
  oursMs: RangeSummary;
  defaultMs: RangeSummary;
  /**
   * Our time over the default build's, taken within each pair and then summarized: a pair shares
   * the machine's moment (other load, CPU frequency), so its ratio is steadier than a ratio of
   * medians.
   */
  ratio: RangeSummary;
}

function range(values: readonly number[]): RangeSummary {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Each pair's ratio, ours over default. */
export function pairRatios(pairs: readonly LoadPair[]): number[] {
  return pairs.map((p) => p.oursMs / p.defaultMs);
}

export function summarizePairs(pairs: readonly LoadPair[]): PairedSummary {
  return {
    pairs: pairs.length,
    oursMs: range(pairs.map((p) => p.oursMs)),
    defaultMs: range(pairs.map((p) => p.defaultMs)),
    ratio: range(pairRatios(pairs)),
  };
}

/**
 * Runs `ours` and `other` alternately, `count` times each (ours, other, ours, other, ...), and
 * pairs each run of ours with the run of `other` that follows it.
 */
export async function runPairs<T>(
  count: number,
  ours: () => Promise<T>,
  other: () => Promise<T>,
): Promise<{ ours: T; other: T }[]> {
  const pairs: { ours: T; other: T }[] = [];
  for (let i = 0; i < count; i++) {
    const oursRun = await ours();
    const otherRun = await other();
    pairs.push({ ours: oursRun, other: otherRun });
  }
  return pairs;
}
