import { readBenchArgs, runOptions } from "../benchArgs.js";
import { benchCost } from "./costBench.js";
import { formatCostReport } from "./formatCostReport.js";

const USAGE = `Usage: pnpm bench:cost [--tasks N] [--stack dev,prod] [--concurrency N] [--timeout SECONDS] [--express auto|off] [--types echo,...] [--json]

Runs echo, sleep (a few polls), flaky (two retries) and fail (or the --types named) through the
local runtime with each stack's config and prints, per task type, what one million of them cost
on AWS, per service, from the requests, transitions, invocations and log bytes counted in the
run; the cost of one poll; and each stack's throughput ceilings, the binding one named.
--express overrides each stack's tasklane:workflow.express: off runs every task on Standard.
Defaults: --tasks 200 --stack dev,prod --concurrency 4 --timeout 300 (express: each stack's own)
`;

export async function main(argv: string[]): Promise<number> {
  const args = readBenchArgs("bench:cost", USAGE, argv, {
    ...runOptions(200),
    stack: { type: "string", default: "dev,prod" },
    express: { type: "string" },
    types: { type: "string" },
  });
  if ("exit" in args) return args.exit;
  try {
    const stacks = args.list("stack");
    if (stacks.length === 0) throw new Error("--stack names no stack");
    const express = args.choice("express", ["auto", "off"] as const);
    const result = await benchCost({
      ...args.run(100_000),
      stacks,
      ...(express ? { express } : {}),
      ...(args.values.types === undefined ? {} : { types: args.list("types") }),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      args.values.json ? `${JSON.stringify(result, null, 2)}\n` : formatCostReport(result),
    );
    return 0;
  } catch (error) {
    process.stderr.write(`bench:cost: ${(error as Error).message}\n`);
    return 1;
  }
}
