import type { BundleBuilder } from "./bundleBuilder.js";
import { EXIT_CODES, type ExitCode, GATES, STACK_OUTPUTS } from "./constants.js";
import { ReleaseContractError } from "./errors.js";
import { bundlesGate } from "./gates/bundlesGate.js";
import { type GateResult, runGates } from "./gates/gate.js";
import { pendingChangesGate } from "./gates/pendingChangesGate.js";
import { releaseGate } from "./gates/releaseGate.js";
import { smokeTestGate } from "./gates/smokeTestGate.js";
import type { GitRepository } from "./gitRepository.js";
import {
  errorLines,
  formatChangeSummary,
  formatGateResult,
  formatGateStart,
  formatPromotion,
  type Output,
  rollbackCommand,
} from "./humanReport.js";
import { diffBundles, parseRelease, type Release, sameRelease, shortSha } from "./release.js";
import { releaseUpdateMessage } from "./releaseTrailer.js";
import { type Promotion, type PromotionRequest, resolveRelease } from "./resolveRelease.js";
import type { SmokeTestApiFactory } from "./smokeTest.js";
import type { PreviewResult, StackGateway } from "./stackGateway.js";

export interface PromoteOptions extends PromotionRequest {
  /** Deploy without asking (`--yes`). */
  yes: boolean;
  /** Stop after the target's preview (`--dry-run`). */
  dryRun: boolean;
  /** Run gate 4 (false with `--skip-smoke-test`). */
  smokeTest: boolean;
  smokeTimeoutSeconds: number;
  /** Refresh stack state before previews and the update (false with `--no-refresh`). */
  refresh: boolean;
}

/**
 * Asks the operator to confirm by typing `answer`. Resolves `undefined` when there is nobody to
 * ask (no terminal).
 */
export type Confirm = (question: string, answer: string) => Promise<boolean | undefined>;

export interface PromoteDependencies {
  stacks: StackGateway;
  git: GitRepository;
  bundles: BundleBuilder;
  smokeTestApi: SmokeTestApiFactory;
  confirm: Confirm;
  output: Output;
}

export interface PromoteResult {
  exitCode: ExitCode;
  /** Whether `up` ran and the target now runs the release. */
  deployed: boolean;
  promotion?: Promotion;
  gates: GateResult[];
}

/**
 * Promotes a release from one stack to another: resolves the release, runs the four gates in
 * order, previews the target, asks, deploys, and checks the target now records the very release
 * that was promoted. Every dependency is passed in; nothing here reads the environment.
 *
 * @example
 * ```ts
 * const result = await promote(
 *   { from: "dev", to: "prod", yes: false, dryRun: true, smokeTest: true, smokeTimeoutSeconds: 120, refresh: true },
 *   { stacks, git, bundles, smokeTestApi, confirm, output },
 * );
 * process.exitCode = result.exitCode;
 * ```
 */
export async function promote(
  options: PromoteOptions,
  deps: PromoteDependencies,
): Promise<PromoteResult> {
  const { from, to } = options;
  const out = deps.output;
  out.info(
    `Promote ${from} -> ${to}${options.release ? ` (release ${options.release})` : ""}${options.dryRun ? " (dry run)" : ""}`,
  );

  const resolution = await resolveRelease(options, deps);
  if (!resolution.ok) {
    const result: GateResult = { id: "release", outcome: resolution.outcome };
    report(out, result);
    return { exitCode: GATES.release.exitCode, deployed: false, gates: [result] };
  }
  const promotion = resolution.promotion;
  for (const line of formatPromotion(promotion)) out.info(line);
  out.info();

  const run = await runGates(
    [
      releaseGate(promotion, deps.git),
      bundlesGate(promotion, deps.bundles),
      pendingChangesGate(promotion, deps.stacks, { refresh: options.refresh }),
      smokeTestGate(promotion, deps.smokeTestApi, {
        enabled: options.smokeTest,
        timeoutSeconds: options.smokeTimeoutSeconds,
      }),
    ],
    { onStart: (id) => out.info(formatGateStart(id)), onResult: (result) => report(out, result) },
  );
  const base = { promotion, gates: run.results };
  if (!run.ok) {
    const { outcome, id } = run.stoppedAt;
    return {
      ...base,
      deployed: false,
      exitCode: outcome.status === "error" ? EXIT_CODES.unexpected : GATES[id].exitCode,
    };
  }

  const { release } = promotion;
  // The program checks the zips it deploys against these sha256s, so bytes that changed since
  // gate 2 stop the preview or the update instead of reaching the target.
  const operation = {
    releaseCommit: release.commit,
    expectedBundles: release.bundles,
    refresh: options.refresh,
    onOutput: (text: string) => out.raw(text),
  };
  out.info();
  out.info(`Preview of ${to}:`);
  let preview: PreviewResult;
  try {
    preview = await deps.stacks.preview(to, { ...operation, expectNoChanges: false });
  } catch (error) {
    out.problem(`The preview of ${to} failed; nothing was deployed:`);
    for (const line of errorLines(error)) out.problem(`  ${line}`);
    return { ...base, deployed: false, exitCode: EXIT_CODES.unexpected };
  }
  out.info();
  out.info(`${to} would change: ${formatChangeSummary(preview.summary)}`);

  if (
    preview.changes.length === 0 &&
    promotion.targetRelease &&
    sameRelease(promotion.targetRelease, release)
  ) {
    out.info(`${to} already runs release ${shortSha(release.commit)}: nothing to deploy.`);
    return { ...base, deployed: false, exitCode: EXIT_CODES.ok };
  }
  if (options.dryRun) {
    out.info(
      `Dry run: stopped before deploying. Run without --dry-run to deploy ${shortSha(release.commit)} to ${to}.`,
    );
    return { ...base, deployed: false, exitCode: EXIT_CODES.ok };
  }

  if (!options.yes) {
    const answer = await deps.confirm(
      `Deploy release ${shortSha(release.commit)} to ${to}? Type "${to}" to confirm: `,
      to,
    );
    if (answer !== true) {
      out.problem(
        answer === undefined
          ? "Not deployed: there is no terminal to confirm on. Pass --yes to deploy without asking (CI does, behind a protected environment)."
          : "Not deployed: not confirmed.",
      );
      return { ...base, deployed: false, exitCode: EXIT_CODES.notConfirmed };
    }
  }

  const previous = promotion.targetRelease;
  out.info();
  out.info(`Deploying ${shortSha(release.commit)} to ${to}:`);
  let outputs: Record<string, unknown>;
  try {
    ({ outputs } = await deps.stacks.up(to, {
      ...operation,
      message: releaseUpdateMessage({ release, from, to, rollback: promotion.rollback }),
    }));
  } catch (error) {
    out.problem(`The update of ${to} failed; ${to} may be partly updated:`);
    for (const line of errorLines(error)) out.problem(`  ${line}`);
    out.problem("What to do:");
    out.problem(`  - Read the errors above and the stack's state: pulumi stack --stack ${to}`);
    out.problem(
      "  - A transient failure (throttling, a timeout): run the same pnpm promote again.",
    );
    if (previous)
      out.problem(
        `  - To go back to the release ${to} ran: ${rollbackCommand(from, to, previous)}`,
      );
    return { ...base, deployed: false, exitCode: EXIT_CODES.upFailed };
  }

  const verification = verifyDeployed(outputs, release, to);
  if (verification.length > 0) {
    out.problem(
      `${to} was updated, but its \`release\` output is not the release that was promoted:`,
    );
    for (const line of verification) out.problem(`  ${line}`);
    out.problem("What to do:");
    out.problem(`  - Compare: pulumi stack output ${STACK_OUTPUTS.release} --stack ${to} --json`);
    if (previous)
      out.problem(
        `  - To go back to the release ${to} ran: ${rollbackCommand(from, to, previous)}`,
      );
    return { ...base, deployed: true, exitCode: EXIT_CODES.verificationFailed };
  }

  out.info();
  out.info(
    `${to} runs release ${shortSha(release.commit)}: its \`release\` output matches the ${Object.keys(release.bundles).length} sha256s ${promotion.recordedBy.stack} recorded.`,
  );
  if (previous && previous.commit !== release.commit) {
    out.info(`To roll back: ${rollbackCommand(from, to, previous)}`);
  }
  return { ...base, deployed: true, exitCode: EXIT_CODES.ok };
}

/** What differs between the target's new `release` output and the promoted release. */
export function verifyDeployed(
  outputs: Record<string, unknown>,
  release: Release,
  stack: string,
): string[] {
  let deployed: Release;
  try {
    deployed = parseRelease(outputs[STACK_OUTPUTS.release], `the \`release\` output of ${stack}`);
  } catch (error) {
    if (error instanceof ReleaseContractError) return [error.message];
    throw error;
  }
  if (sameRelease(deployed, release)) return [];
  const lines: string[] = [];
  if (deployed.commit !== release.commit) {
    lines.push(`commit: ${deployed.commit}, expected ${release.commit}`);
  }
  if (deployed.dirty) lines.push("dirty: true, expected false");
  for (const m of diffBundles(release.bundles, deployed.bundles)) {
    lines.push(`${m.name}: ${m.actual ?? "missing"}, expected ${m.expected ?? "no such function"}`);
  }
  return lines;
}

function report(out: Output, result: GateResult): void {
  const lines = formatGateResult(result);
  const failed = result.outcome.status === "failed" || result.outcome.status === "error";
  for (const line of lines) {
    if (failed) out.problem(line);
    else out.info(line);
  }
}
