import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { transpilePackage } from "@tasklane/transpile";
import { beforeAll, describe, expect, it } from "vitest";
import type { ColdStartResult } from "../src/coldStart/benchColdStart.js";

// A small run of the real benchmark, so `pnpm bench:coldstart` cannot rot: its bin, on the
// compiled benchmark (each load runs the compiled probe in a fresh Node process), as the root
// script runs it once built. One function, one pair; what was measured, never a duration.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

// The package's own build, as `pnpm build` makes it, so the bin runs today's sources.
beforeAll(() => {
  transpilePackage(packageDir);
}, 120_000);

describe("bench:coldstart", () => {
  it("loads a built bundle beside its default build, and prints what it measured as JSON", async () => {
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["bin/bench-coldstart.js", "--pairs", "1", "--only", "catalog", "--json"],
      { cwd: packageDir },
    );

    // Assess: a skipped function would have made the bin exit 1, and execFile reject.
    const result = JSON.parse(stdout) as ColdStartResult;
    expect(result).toMatchObject({ pairs: 1, skipped: [] });
    expect(result.rows.map((row) => [row.name, row.bundle])).toEqual([
      ["catalog", "apps/producer/dist/catalog/index.mjs"],
    ]);
    const [row] = result.rows;
    expect(row?.ours.bytes).toBeGreaterThan(0);
    expect(row?.default.bytes).toBeGreaterThan(0);
    expect(row?.load.pairs).toBe(1);
    expect(row?.top.length).toBeGreaterThan(0);
  }, 60_000);
});
