import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import type { BenchResult } from "./benchLocal.js";

const run = promisify(execFile);

/**
 * `pnpm bench:local` as another commit measures it, on this machine, in this run: a throwaway
 * git worktree of `ref`, installed from the local pnpm store and built, then its own
 * `bench-local --json` with the same arguments. Comparing figures from two runs on a shared
 * machine says little; two measurements taken back to back say more.
 */
export async function benchBaseline(
  ref: string,
  args: readonly string[],
  log: (line: string) => void,
): Promise<BenchResult> {
  const repoRoot = findRepoRoot(process.cwd());
  const dir = await mkdtemp(join(tmpdir(), "tasklane-baseline-"));
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", CI: "1" };
  const options = { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 };
  try {
    log(`baseline: checking out ${ref} in ${dir}`);
    await run("git", ["worktree", "add", "--detach", dir, ref], { cwd: repoRoot });
    log("baseline: installing (from the local pnpm store) and building");
    await run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], options);
    await run(
      "pnpm",
      ["turbo", "run", "build", "--filter=@tasklane/bench...", "--output-logs=errors-only"],
      options,
    );
    log(`baseline: running ${ref}'s bench:local`);
    const { stdout } = await run(
      "node",
      [join(dir, "apps/bench/bin/bench-local.js"), ...args, "--json"],
      options,
    );
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return JSON.parse(last) as BenchResult;
  } finally {
    await run("git", ["worktree", "remove", "--force", dir], { cwd: repoRoot }).catch(() =>
      rm(dir, { recursive: true, force: true }),
    );
  }
}

/** This tree's figures beside the baseline's, one line per measure. */
export function formatComparison(ours: BenchResult, baseline: BenchResult, ref: string): string {
  const rows: [string, number, number, string][] = [
    ["throughput (tasks/s)", ours.tasksPerSecond, baseline.tasksPerSecond, "higher is better"],
    [
      "accepted (tasks/s)",
      ours.tasks / ours.submitSeconds,
      baseline.tasks / baseline.submitSeconds,
      "higher is better",
    ],
    ["latency p50 (ms)", ours.latencyMs.p50, baseline.latencyMs.p50, "lower is better"],
    ["latency p99 (ms)", ours.latencyMs.p99, baseline.latencyMs.p99, "lower is better"],
    ["peak RSS (MiB)", ours.peakRssMiB, baseline.peakRssMiB, "lower is better"],
  ];
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    `${pad("", 22)}${pad("this tree", 12)}${pad(ref.slice(0, 12), 14)}change`,
    ...rows.map(
      ([name, a, b, hint]) =>
        `${pad(name, 22)}${pad(a.toFixed(1), 12)}${pad(b.toFixed(1), 14)}${(((a - b) / b) * 100).toFixed(1)}% (${hint})`,
    ),
    `both: ${ours.succeeded}/${ours.tasks} and ${baseline.succeeded}/${baseline.tasks} succeeded; measured back to back on this machine`,
  ];
  return lines.join("\n");
}
