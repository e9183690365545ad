import { GATES } from "./constants.js";
import type { ErroredOutcome, GateOutcome, GateResult } from "./gates/gate.js";
import { type Release, shortSha } from "./release.js";
import type { Promotion } from "./resolveRelease.js";
import { isChangeOp } from "./stackGateway.js";

/** Where promotion writes what it does. The CLI sends `info` and `raw` to stdout, `problem` to stderr. */
export interface Output {
  /** One line of progress or result. */
  info(line?: string): void;
  /** One line about something that went wrong. */
  problem(line: string): void;
  /** Text streamed from the Pulumi CLI, newlines included. */
  raw(text: string): void;
}

const TOTAL_GATES = Object.keys(GATES).length;

/** The header: which release goes where, and what the target runs now. */
export function formatPromotion(promotion: Promotion): string[] {
  const { release, recordedBy, to } = promotion;
  const source =
    recordedBy.how === "output"
      ? `${recordedBy.stack}'s \`release\` output`
      : `the history of ${recordedBy.stack}${recordedBy.version === undefined ? "" : ` (update ${recordedBy.version})`}`;
  return [
    `Release ${shortSha(release.commit)} (commit ${release.commit}, ${countBundles(release)}), as recorded by ${source}.`,
    promotion.targetRelease
      ? `${to} runs ${shortSha(promotion.targetRelease.commit)} now.`
      : `${to} has no release yet.`,
    ...promotion.warnings.map((warning) => `warning: ${warning}`),
  ];
}

/** A gate's line, then its details and, for a failure, what to do. */
export function formatGateResult(result: GateResult): string[] {
  const gate = GATES[result.id];
  return formatOutcome(`[${gate.order}/${TOTAL_GATES}]`, gate.title, result.outcome);
}

/** `<prefix> PASS  <title>: <summary>`, then details, then what to do when it failed. */
export function formatOutcome(
  prefix: string,
  title: string,
  outcome: GateOutcome | ErroredOutcome,
): string[] {
  const indent = " ".repeat(prefix.length + 1);
  switch (outcome.status) {
    case "passed":
      return [
        `${prefix} PASS  ${title}: ${outcome.summary}`,
        ...(outcome.details ?? []).map((d) => `${indent}  ${d}`),
      ];
    case "skipped":
      return [`${prefix} SKIP  ${title}: ${outcome.summary}`];
    case "failed":
      return [
        `${prefix} FAIL  ${title}: ${outcome.summary}`,
        ...(outcome.details ?? []).map((d) => `${indent}  ${d}`),
        `${indent}What to do:`,
        ...outcome.remedy.map((step) => `${indent}  - ${step}`),
      ];
    case "error":
      return [
        `${prefix} ERROR ${title}: the check itself failed, so it could not decide`,
        ...errorLines(outcome.error).map((line) => `${indent}  ${line}`),
        `${indent}What to do: fix the cause above (credentials, backend login, network), then try again.`,
      ];
  }
}

/** The line shown while a gate runs. */
export function formatGateStart(id: GateResult["id"]): string {
  const gate = GATES[id];
  return `[${gate.order}/${TOTAL_GATES}] ....  ${gate.title}`;
}

/** `3 update, 1 create (39 unchanged)`. */
export function formatChangeSummary(summary: Record<string, number>): string {
  const changes = Object.entries(summary)
    .filter(([op]) => isChangeOp(op))
    .map(([op, count]) => `${count} ${op}`);
  const same = summary.same ? ` (${summary.same} unchanged)` : "";
  return `${changes.length > 0 ? changes.join(", ") : "no changes"}${same}`;
}

/** The command that puts `stack` back on `release`, for after a deployment. */
export function rollbackCommand(from: string, to: string, release: Release): string {
  return `git switch --detach ${release.commit} && pnpm install --frozen-lockfile && pnpm promote --from ${from} --to ${to} --release ${release.commit}`;
}

/** How many of its last stdout lines a Pulumi CLI failure shows (the rest was streamed, or is noise). */
const CLI_STDOUT_TAIL = 15;

/**
 * An error's message as lines. A Pulumi CLI failure (the Automation API's `CommandError`, whose
 * message is `code: …\n stdout: …\n stderr: …\n err?: …`) is cut down to its exit code, its stderr
 * and the end of its stdout, where the diagnostics are.
 */
export function errorLines(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const cli =
    /^code: (?<code>-?\d+)\n stdout: (?<stdout>[\s\S]*)\n stderr: (?<stderr>[\s\S]*)\n err\?: (?<err>[\s\S]*)$/.exec(
      message,
    )?.groups;
  if (!cli) return nonEmptyLines(message);
  const stdout = nonEmptyLines(cli.stdout ?? "");
  const tail = stdout.slice(-CLI_STDOUT_TAIL);
  return [
    `the Pulumi CLI exited with code ${cli.code}`,
    ...(tail.length < stdout.length ? ["… (its output, last lines:)"] : []),
    ...tail,
    ...nonEmptyLines(cli.stderr ?? ""),
    ...nonEmptyLines(cli.err ?? ""),
  ];
}

function nonEmptyLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
}

function countBundles(release: Release): string {
  const n = Object.keys(release.bundles).length;
  return `${n} bundle${n === 1 ? "" : "s"}`;
}
