import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/benchConsole.js";

// A small run of the real benchmark, so `pnpm bench:console` cannot rot: its local runtime, the
// built console and Chromium. It checks what is measured, never how fast.
describe("bench:console", () => {
  afterEach(() => vi.restoreAllMocks());

  it("measures the lag of the Tasks page and its first page, and the page's script size", async () => {
    // Prepare
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      printed.push(String(line));
    });

    // Act
    const code = await main(["--lag-tasks", "2", "--tasks", "100", "--json"]);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(printed.at(-1) ?? "{}");
    expect(report.tasks).toBe(100);
    for (const figures of [
      report.lagMs.appear,
      report.lagMs.final,
      report.firstPageMs.busy,
      report.firstPageMs.rest,
    ]) {
      expect(figures.n).toBeGreaterThan(0);
      expect(figures.median).toBeGreaterThanOrEqual(0);
    }
    expect(report.appJs.gzipBytes).toBeGreaterThan(0);
    expect(report.appJs.gzipBytes).toBeLessThan(report.appJs.bytes);
  }, 180_000);
});
