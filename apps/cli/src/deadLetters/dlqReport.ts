import type { MessageReport } from "@tasklane/dead-letters";
import type { CommandContext } from "../commandContext.js";
import { EXIT_CODES } from "../constants.js";
import { TasklaneCliError } from "../errors.js";
import { explainError } from "../output/explainError.js";
import { errorDocument, reportError } from "../output/reportError.js";

/** One message's line: `  redriven  <task id>  echo  -> message <new id>`. */
export function sweepLine(report: MessageReport): string {
  const id = report.taskId ?? `message ${report.messageId}`;
  const type = report.type ?? "(not a task)";
  const after = report.error
    ? report.error
    : report.newMessageId
      ? `-> message ${report.newMessageId}`
      : "";
  const note = report.note ? ` (${report.note})` : "";
  return `  ${report.outcome.padEnd(13)} ${id}  ${type.padEnd(12)} ${after}${note}`.trimEnd();
}

/** What a sweep of the DLQ did: each message's report, and whether and why it stopped early. */
export interface SweepRun {
  reports: MessageReport[];
  interrupted: boolean;
  /** What stopped the sweep, if anything did. */
  failure: unknown;
}

/**
 * Runs `sweep` (a redrive or a purge), printing each message's line as it is reported. An error
 * is kept, not thrown, so the summary still reports every message handled before it.
 */
export async function runSweep(
  ctx: CommandContext,
  sweep: (onReport: (report: MessageReport) => void) => Promise<{ interrupted: boolean }>,
): Promise<SweepRun> {
  const reports: MessageReport[] = [];
  try {
    const { interrupted } = await sweep((report) => {
      reports.push(report);
      ctx.output.line(sweepLine(report));
    });
    return { reports, interrupted, failure: undefined };
  } catch (failure) {
    return { reports, interrupted: false, failure };
  }
}

export interface SweepSummary extends SweepRun {
  /** The command's fields of the `--json` document. */
  document: Record<string, unknown>;
  notFound: string[];
  summary: string;
  nothingSelected: string;
  /** The exit code when nothing else went wrong. */
  exitCode: number;
}

/**
 * Ends `dlq redrive` and `dlq purge`: the `--json` document with every message's report, the
 * summary for people, and the exit code: the failure's, 130 when interrupted, 1 when an `--id`
 * was not found, else `exitCode`.
 */
export function printSweepSummary(ctx: CommandContext, s: SweepSummary): number {
  const explained =
    s.failure === undefined ? undefined : explainError(s.failure, ctx.resolvedTarget);
  ctx.output.document({
    ...s.document,
    notFound: s.notFound,
    interrupted: s.interrupted,
    messages: s.reports,
    ...(explained instanceof TasklaneCliError ? errorDocument(explained) : {}),
  });
  if (s.reports.length === 0 && explained === undefined) ctx.output.line(s.nothingSelected);
  else ctx.output.line(s.summary);
  if (s.notFound.length > 0) ctx.output.line(`Not found in the DLQ: ${s.notFound.join(", ")}`);
  if (s.interrupted) {
    ctx.output.line("Interrupted: the messages not reached are still in the DLQ.");
  }
  // The document above is the one of --json; the error goes to stderr only.
  if (explained !== undefined) return reportError(ctx.io, explained, false);
  if (s.interrupted) return EXIT_CODES.interrupted;
  if (s.notFound.length > 0) return EXIT_CODES.failed;
  return s.exitCode;
}
