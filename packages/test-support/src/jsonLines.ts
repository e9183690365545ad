/** A JSON line a handler wrote: a structured log line, or an EMF metrics line. */
export type JsonLine = Record<string, unknown>;

/** The JSON lines among chunks written to a stream (logs and EMF metrics), parsed. */
export function jsonLinesOf(chunks: readonly (string | Uint8Array)[]): JsonLine[] {
  return chunks
    .map((chunk) => String(chunk).trim())
    .filter((text) => text.startsWith("{"))
    .map((text) => JSON.parse(text) as JsonLine);
}

/**
 * Empties `lines`, then collects in it the JSON lines written to `streams` (what the handlers
 * log and publish) instead of printing them, until the function it returns puts the streams
 * back: return it from a `beforeEach`, which then runs it after each test.
 *
 * @example
 * ```ts
 * const lines: JsonLine[] = [];
 * beforeEach(() => captureJsonLines(lines));
 * ```
 */
export function captureJsonLines(
  lines: JsonLine[],
  streams: readonly NodeJS.WriteStream[] = [process.stdout],
): () => void {
  lines.length = 0;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(...jsonLinesOf([chunk]));
      return true;
    }) as NodeJS.WriteStream["write"];
  }
  return () => {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as NodeJS.WriteStream["write"];
    });
  };
}

/** Metric values in EMF lines, summed by name. */
export function metricsIn(lines: readonly JsonLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) {
    const aws = line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    for (const { Name } of aws?.CloudWatchMetrics?.flatMap((m) => m.Metrics) ?? []) {
      const value = line[Name];
      const values = Array.isArray(value) ? value : [value];
      totals[Name] = (totals[Name] ?? 0) + values.reduce((sum, v) => sum + Number(v), 0);
    }
  }
  return totals;
}
