import { queueName, redriveDeadLetters } from "@tasklane/dead-letters";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { collectIds, ratePerSecond } from "../optionParsers.js";
import { requireDlqUrl, requireQueueUrl } from "../target/resolveTarget.js";
import { deadLetterSelection } from "./deadLetterSelection.js";
import { printSweepSummary, runSweep } from "./dlqReport.js";

interface DlqRedriveOptions {
  id?: string[];
  all?: boolean;
  dryRun?: boolean;
  rate?: number;
}

/** `tasklane dlq redrive`: moves DLQ messages back to the tasks queue. */
export function dlqRedriveCommand(run: CommandRunner): Command {
  return new Command("redrive")
    .description("move messages from the DLQ back to the tasks queue, to run again")
    .option(
      "--id <ids...>",
      "only these messages: task ids or message ids (repeatable, or comma-separated)",
      collectIds,
    )
    .option("--all", "every message in the DLQ")
    .option("--dry-run", "show what would be moved, and move nothing")
    .option("--rate <n/s>", "at most this many messages a second, e.g. 5 or 5/s", ratePerSecond)
    .addHelpText(
      "after",
      `
Each message is sent to the tasks queue, then deleted from the DLQ: a crash in between leaves it in
both, never in neither, and the pipeline runs a task generation once, so the copy is harmless.
FIFO messages keep their message group and get a new deduplication id. Each message is reported.

Exits 0 when every selected message was moved, 1 when some could not be or an --id was not found,
130 on Ctrl-C (the batch in hand is finished first).
--json prints { dlq, queue, dryRun, redriven, failed, notFound, messages: [{ messageId, taskId,
type, outcome, newMessageId?, error? }] }.`,
    )
    .action(
      run<DlqRedriveOptions>(async (ctx, _args, options) => {
        const selection = deadLetterSelection(options, "dlq redrive");
        const target = await ctx.resolveTarget();
        const dlqUrl = requireDlqUrl(target);
        const queueUrl = requireQueueUrl(target);
        const sqs = await ctx.sqs();
        const { output } = ctx;

        output.line(
          `${options.dryRun ? "Would redrive" : "Redriving"} from ${queueName(dlqUrl)} to ${queueName(queueUrl)}${options.rate ? `, at most ${options.rate}/s` : ""}:`,
        );
        const run = await runSweep(ctx, async (onReport) =>
          redriveDeadLetters({
            sqs,
            dlqUrl,
            queueUrl,
            select: (letter) => selection.select(letter),
            waitTimeSeconds: await ctx.receiveWaitSeconds(),
            dryRun: options.dryRun === true,
            ...(options.rate ? { ratePerSecond: options.rate } : {}),
            ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
            onReport,
          }),
        );

        const moved = run.reports.filter((r) => r.outcome === "redriven").length;
        const failed = run.reports.filter(
          (r) => r.outcome === "failed" || r.outcome === "redriven-not-deleted",
        ).length;
        return printSweepSummary(ctx, {
          ...run,
          document: {
            dlq: dlqUrl,
            queue: queueUrl,
            dryRun: options.dryRun === true,
            redriven: options.dryRun ? 0 : moved,
            failed,
          },
          notFound: selection.notFound(),
          summary: options.dryRun
            ? `Dry run: ${run.reports.length} message${run.reports.length === 1 ? "" : "s"} would be redriven; nothing was sent or deleted.`
            : `${moved} redriven, ${failed} failed.${moved > 0 ? " They run again now: follow them with `tasklane status <id>`." : ""}`,
          nothingSelected: "No message to redrive: the DLQ has none that match.",
          exitCode: failed > 0 ? EXIT_CODES.failed : EXIT_CODES.ok,
        });
      }),
    );
}
