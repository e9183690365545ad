interface Coverage {
  by: string;
  mentions: string;
}

/** The script CI runs, where it runs `mentions`. */
const ci = (mentions: string): Coverage => ({ by: ".ci/run", mentions });

/** A bench test that runs `script`'s bin, and says so in the words `mentions` looks for. */
const benchTest = (file: string, script: string): Coverage => ({
  by: `apps/bench/test/${file}`,
  mentions: `so \`${script}\` cannot rot`,
});

/**
 * Documented commands that another test, or the script CI runs, runs: the file (from the
 * repository root) and what in it shows that it runs the command, or the command's main.
 */
export const COVERED_ELSEWHERE: Record<string, Coverage> = {
  "pnpm install": ci("pnpm install --frozen-lockfile"),
  "pnpm turbo test": ci("pnpm turbo test"),
  // `pnpm turbo test` builds every tested package's dependencies (`test` dependsOn `^built`).
  "pnpm build": { by: "turbo.json", mentions: '"dependsOn": ["^built", "transit"]' },
  // The root script's own command once it has built: the bin, spawned, serving a task.
  "pnpm dev": { by: "apps/local/test/cli.test.ts", mentions: '"bin/tasklane-local.js"' },
  "pnpm tasklane <command>": { by: "apps/cli/test/bin.e2e.test.ts", mentions: "bin/tasklane.js" },
  "pnpm tasklane console": {
    by: "apps/cli/test/console.e2e.test.ts",
    mentions: 'startCli(["console"',
  },
  "pnpm bench:local [--baseline <git-ref>]": benchTest("benchLocal.test.ts", "pnpm bench:local"),
  "pnpm bench:cost": benchTest("costBench.test.ts", "pnpm bench:cost"),
  "pnpm bench:coldstart": benchTest("coldStartBin.test.ts", "pnpm bench:coldstart"),
  // The same bin with fewer pairs: the figures, not the option, are what 20 pairs change.
  "pnpm bench:coldstart --pairs 20": {
    by: "apps/bench/test/coldStartBin.test.ts",
    mentions: '"--pairs"',
  },
  "pnpm bench:console": benchTest("benchConsole.test.ts", "pnpm bench:console"),
  "pnpm bench:local": benchTest("benchLocal.test.ts", "pnpm bench:local"),
  // The baseline's side (a worktree of another commit, installed and built) is not run in CI:
  // it takes minutes. What compares the two runs is tested.
  "pnpm bench:local --tasks 1000 --baseline 9554dd9": {
    by: "apps/bench/test/baselineRun.test.ts",
    mentions: "formatComparison",
  },
  "pnpm tasklane": { by: "apps/cli/test/bin.e2e.test.ts", mentions: "bin/tasklane.js" },
  "pnpm -s tasklane ... --json | jq": { by: "apps/cli/test/bin.e2e.test.ts", mentions: '"--json"' },
  "pnpm install --frozen-lockfile": ci("pnpm install --frozen-lockfile"),
  "pnpm turbo run lint typecheck": ci("pnpm turbo run lint typecheck"),
  // One package's, or a filtered, part of what `pnpm turbo test` runs.
  "pnpm turbo test --filter=@tasklane/console-e2e": ci("pnpm turbo test"),
  "pnpm --filter @tasklane/infra test": ci("pnpm turbo test"),
  "pnpm turbo build": { by: "turbo.json", mentions: '"build": {' },
  // Playwright's own Chromium comes from hosts this network does not reach; GitHub's CI, which
  // reaches them, installs it so (with its system libraries).
  "pnpm --filter @tasklane/console-e2e exec playwright install chromium": {
    by: ".github/workflows/ci.yml",
    mentions: "exec playwright install --with-deps chromium",
  },
};

const PULUMI_CLI = "the Pulumi CLI, which cannot be downloaded here, and a state backend";

/** Documented commands that need an AWS account or the Pulumi CLI, with the reason. */
export const NEEDS_AWS_OR_PULUMI: readonly { matches: RegExp; reason: string }[] = [
  { matches: /^(?:\w+=\$\()?pulumi /, reason: PULUMI_CLI },
  {
    matches: /^pnpm promote\b/,
    reason: `${PULUMI_CLI}: it previews and updates the stacks through the Automation API`,
  },
  {
    matches: /^AWS_PROFILE=\S+ pnpm tasklane --stack-outputs dev-outputs\.json /,
    reason: "a deployed stack (the outputs `pulumi stack output` wrote) and AWS credentials",
  },
  { matches: /^curl .*--aws-sigv4 /, reason: "a deployed API, and AWS credentials to sign with" },
  {
    matches: /^git switch --detach <sha> && pnpm install --frozen-lockfile$/,
    reason:
      "the checkout of a release for the `pnpm promote --release <sha>` that follows, which needs the Pulumi CLI",
  },
  {
    matches: /^git add Pulumi\.dev\.yaml Pulumi\.prod\.yaml && git commit /,
    reason: "commits what `pulumi stack init` wrote to the stack files",
  },
];

export function needsAwsOrPulumi(command: string): string | undefined {
  return NEEDS_AWS_OR_PULUMI.find((rule) => rule.matches.test(command))?.reason;
}
