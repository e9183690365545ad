import type { BuildOptions } from "esbuild";
import { readBenchArgs } from "../benchArgs.js";
import { benchColdStart, formatColdStartResult } from "./benchColdStart.js";

const USAGE = `Usage: pnpm bench:coldstart [--pairs N] [--only NAME,...] [--esbuild JSON] [--json]

For every function bundle (apps/<app>/dist/<name>/index.mjs, built by pnpm build): the time to
import it in a fresh Node process, paired against a default esbuild build of the same entry
(bundle, platform node, format esm), median of N pairs; its minified and gzipped size; and the
five packages that make up most of it. Prints the floors (load <= 0.80x, <= 500 kB) per bundle.

  --pairs N        pairs of loads per function (default 20)
  --only NAMES     comma-separated function names (default: every function in the catalog)
  --esbuild JSON   try esbuild options over lambda-bundler's: our bundles are rebuilt with them
                   into a temporary folder and measured instead of dist/, e.g.
                   --esbuild '{"conditions":["@tasklane/source","module"]}'
  --json           print the result as JSON
`;

export async function main(argv: string[]): Promise<number> {
  const args = readBenchArgs("bench:coldstart", USAGE, argv, {
    pairs: { type: "string", default: "20" },
    only: { type: "string" },
    esbuild: { type: "string" },
  });
  if ("exit" in args) return args.exit;
  const { values, number } = args;
  try {
    const pairs = number("pairs", 1, 1000);
    const only = args.list("only");
    const esbuild =
      typeof values.esbuild === "string" ? (JSON.parse(values.esbuild) as BuildOptions) : undefined;
    const result = await benchColdStart({
      pairs,
      only,
      esbuild,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      values.json ? `${JSON.stringify(result)}\n` : `${formatColdStartResult(result)}\n`,
    );
    return result.skipped.length === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bench:coldstart: ${(error as Error).message}\n`);
    return 1;
  }
}
