/**
 * Documented commands that another test, or the script CI runs, runs: the file (from the
 * repository root) and what in it shows that it runs the command, or the command's main.
 */
export const COVERED_ELSEWHERE: Record<string, { by: string; mentions: string }> = {
  "pnpm install": { by: ".ci/run", mentions: "pnpm install --frozen-lockfile" },
  "pnpm turbo test": { by: ".ci/run", mentions: "pnpm turbo test" },
  // `pnpm turbo test` builds every tested package's dependencies (`test` dependsOn `^build`).
  "pnpm build": { by: "turbo.json", mentions: '"dependsOn": ["^build", "transit"]' },
  // The root script's own command once it has built: the bin, spawned, serving a task.
  "pnpm dev": { by: "apps/local/test/cli.test.ts", mentions: '"bin/tasklane-local.js"' },
  "pnpm tasklane <command>": { by: "apps/cli/test/bin.e2e.test.ts", mentions: "bin/tasklane.js" },
  "pnpm tasklane console": {
    by: "apps/cli/test/console.e2e.test.ts",
    mentions: 'startCli(["console"',
  },
  "pnpm bench:local [--baseline <git-ref>]": {
    by: "apps/bench/test/benchLocal.test.ts",
    mentions: "so `pnpm bench:local` cannot rot",
  },
  "pnpm bench:cost": {
    by: "apps/bench/test/costBench.test.ts",
    mentions: "so `pnpm bench:cost` cannot rot",
  },
  "pnpm bench:coldstart": {
    by: "apps/bench/test/coldStartBin.test.ts",
    mentions: "so `pnpm bench:coldstart` cannot rot",
  },
  // The same bin with fewer pairs: the figures, not the option, are what 20 pairs change.
  "pnpm bench:coldstart --pairs 20": {
    by: "apps/bench/test/coldStartBin.test.ts",
    mentions: '"--pairs"',
  },
  "pnpm bench:console": {
    by: "apps/bench/test/benchConsole.test.ts",
    mentions: "so `pnpm bench:console` cannot rot",
  },
  "pnpm bench:local": {
    by: "apps/bench/test/benchLocal.test.ts",
    mentions: "so `pnpm bench:local` cannot rot",
  },
  // The baseline's side (a worktree of another commit, installed and built) is not run in CI:
  // it takes minutes. What compares the two runs is tested.
  "pnpm bench:local --tasks 1000 --baseline 9554dd9": {
    by: "apps/bench/test/baselineRun.test.ts",
    mentions: "formatComparison",
  },
  "pnpm tasklane": { by: "apps/cli/test/bin.e2e.test.ts", mentions: "bin/tasklane.js" },
  "pnpm -s tasklane ... --json | jq": { by: "apps/cli/test/bin.e2e.test.ts", mentions: '"--json"' },
  "pnpm install --frozen-lockfile": { by: ".ci/run", mentions: "pnpm install --frozen-lockfile" },
  "pnpm turbo run lint typecheck": { by: ".ci/run", mentions: "pnpm turbo run lint typecheck" },
  // One package's, or a filtered, part of what `pnpm turbo test` runs.
  "pnpm turbo test --filter=@tasklane/console": { by: ".ci/run", mentions: "pnpm turbo test" },
  "pnpm --filter @tasklane/infra test": { by: ".ci/run", mentions: "pnpm turbo test" },
  "pnpm turbo build": { by: "turbo.json", mentions: '"build": {' },
  // Playwright's own Chromium comes from hosts this network does not reach; GitHub's CI, which
  // reaches them, installs it so (with its system libraries).
  "pnpm --filter @tasklane/local exec playwright install chromium": {
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
