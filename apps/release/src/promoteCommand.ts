import { Command } from "commander";
import { type CliEnvironment, outputOf } from "./cliEnvironment.js";
import { locateRepository, parseCommandLine, positiveSeconds } from "./commandLine.js";
import { DEFAULT_SMOKE_TIMEOUT_SECONDS, EXIT_CODES } from "./constants.js";
import { UsageError } from "./errors.js";
import { errorLines } from "./humanReport.js";
import { promote } from "./promote.js";

export const PROMOTE_HELP = `
Gates, in order (the first that fails stops the promotion):
  1. the working tree is clean and at the release's commit (--from's \`release\` output, or --release)
  2. bundles rebuilt here have the sha256s the source stack recorded, and so do the zips to deploy
  3. the source stack has no pending changes (a preview expecting none)
  4. an echo task submitted to the source stack's API (SigV4) ends succeeded
Then the target is previewed and, once confirmed (or with --yes), updated, and its \`release\`
output is checked against the promoted release. Nothing is ever checked out for you.

Exit codes:
  0  promoted; or the dry run finished; or the target already runs the release
  1  unexpected error (Pulumi CLI, backend login, network, credentials): read the message
  2  usage error
  3  gate 1 failed: release unknown, or the working tree is not clean at its commit
  4  gate 2 failed: bundles differ from the recorded sha256s
  5  gate 3 failed: the source stack has pending changes
  6  gate 4 failed: the smoke test did not succeed
  7  not confirmed (declined, or no terminal and no --yes): nothing deployed
  8  the update of the target failed: it may be partly updated
  9  the target was updated, but its \`release\` output is not the promoted release

Examples:
  pnpm promote --from dev --to prod --dry-run
  pnpm promote --from dev --to prod
  git switch --detach <sha> && pnpm install --frozen-lockfile && pnpm promote --from dev --to prod --release <sha>
`;

interface PromoteFlags {
  from: string;
  to: string;
  release?: string;
  yes?: boolean;
  dryRun?: boolean;
  skipSmokeTest?: boolean;
  smokeTimeout: number;
  region?: string;
  refresh: boolean;
  cwd?: string;
}

/** `pnpm promote`: parses the flags, builds the dependencies and runs `promote`. */
export async function runPromoteCommand(
  argv: readonly string[],
  env: CliEnvironment,
): Promise<number> {
  const program = new Command()
    .name("pnpm promote")
    .usage("--from <stack> --to <stack> [options]")
    .description(
      "Promote the release one stack runs (dev) to another (prod), byte for byte: the same commit, the same bundle sha256s.",
    )
    .requiredOption("--from <stack>", "the stack whose release is promoted, e.g. dev")
    .requiredOption("--to <stack>", "the stack that receives it, e.g. prod")
    .option(
      "--release <sha>",
      "promote this earlier release instead (rollback); check it out first",
    )
    .option("-y, --yes", "deploy without asking for confirmation (CI)")
    .option("--dry-run", "run the gates and preview the target, then stop")
    .option("--skip-smoke-test", "skip gate 4 (the echo task against --from's API)")
    .option(
      "--smoke-timeout <seconds>",
      "how long gate 4 waits for its task",
      positiveSeconds,
      DEFAULT_SMOKE_TIMEOUT_SECONDS,
    )
    .option("--region <region>", "SigV4 region for gate 4 (default: read from the API's URL)")
    .option(
      "--no-refresh",
      "do not refresh stack state from the cloud before previews and the update",
    )
    .option(
      "--cwd <dir>",
      "run in the repository that holds this folder (default: the current one)",
    )
    .addHelpText("after", PROMOTE_HELP)
    .showHelpAfterError("(pnpm promote --help shows the options)");

  const stop = await parseCommandLine(program, argv, env);
  if (stop !== undefined) return stop;
  const flags = program.opts<PromoteFlags>();
  const output = outputOf(env);

  try {
    checkFlags(flags);
    const deps = env.dependencies({
      repoRoot: locateRepository(flags.cwd ?? env.cwd),
      ...(flags.region ? { region: flags.region } : {}),
      color: env.stdoutIsTTY ? "always" : "never",
      output,
    });
    const result = await promote(
      {
        from: flags.from,
        to: flags.to,
        ...(flags.release ? { release: flags.release } : {}),
        yes: flags.yes === true,
        dryRun: flags.dryRun === true,
        smokeTest: flags.skipSmokeTest !== true,
        smokeTimeoutSeconds: flags.smokeTimeout,
        refresh: flags.refresh,
      },
      deps,
    );
    return result.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      output.problem(`error: ${error.message}`);
      return EXIT_CODES.usage;
    }
    output.problem("error: the promotion stopped on an unexpected error:");
    for (const line of errorLines(error)) output.problem(`  ${line}`);
    return EXIT_CODES.unexpected;
  }
}

/** What commander cannot check. */
function checkFlags(flags: PromoteFlags): void {
  if (flags.from === flags.to) {
    throw new UsageError(`--from and --to are both \`${flags.from}\`: promote between two stacks`);
  }
  if (flags.release !== undefined && !/^[0-9a-f]{7,40}$/i.test(flags.release)) {
    throw new UsageError(
      `--release takes a commit sha (7 to 40 hex digits), not \`${flags.release}\``,
    );
  }
}
