import { benchBaseline, formatComparison } from "./baselineRun.js";
import { readBenchArgs, runOptions } from "./benchArgs.js";
import { benchLocal, formatBenchResult } from "./benchLocal.js";

const USAGE = `Usage: pnpm bench:local [--tasks N] [--batch-size 1-100] [--concurrency N] [--timeout SECONDS] [--baseline GIT-REF] [--json]

Pushes N echo tasks through the local runtime (the built bundles, Pulumi.dev.yaml's settings)
and prints tasks/s and the p50/p90/p99 latency from submission to succeeded. With --baseline,
then checks out GIT-REF in a temporary worktree, builds it and runs its bench:local with the
same arguments, and prints both side by side.
Defaults: --tasks 2000 --batch-size 100 --concurrency 4 --timeout 300
`;

export async function main(argv: string[]): Promise<number> {
  const args = readBenchArgs("bench:local", USAGE, argv, {
    ...runOptions(2000),
    "batch-size": { type: "string", default: "100" },
    baseline: { type: "string" },
  });
  if ("exit" in args) return args.exit;
  const { values } = args;
  try {
    const result = await benchLocal({
      ...args.run(1_000_000),
      batchSize: args.number("batch-size", 1, 100),
      log: values.json ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    const ref = values.baseline;
    if (typeof ref !== "string") {
      process.stdout.write(
        values.json ? `${JSON.stringify(result)}\n` : `${formatBenchResult(result)}\n`,
      );
      return result.succeeded === result.tasks ? 0 : 1;
    }
    const passOn = ["tasks", "batch-size", "concurrency", "timeout"].flatMap((name) => [
      `--${name}`,
      String(values[name]),
    ]);
    const baseline = await benchBaseline(ref, passOn, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ result, baseline: { ref, result: baseline } })}\n`
        : `${formatBenchResult(result)}\n\n${formatComparison(result, baseline, ref)}\n`,
    );
    return result.succeeded === result.tasks ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bench:local: ${(error as Error).message}\n`);
    return 1;
  }
}
