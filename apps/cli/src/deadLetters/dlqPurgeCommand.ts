import { purgeDeadLetters, queueName } from "@tasklane/dead-letters";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { UsageError } from "../errors.js";
import { collectIds } from "../optionParsers.js";
import { requireDlqUrl } from "../target/resolveTarget.js";
import { deadLetterSelection } from "./deadLetterSelection.js";
import { printSweepSummary, runSweep } from "./dlqReport.js";

interface DlqPurgeOptions {
  id?: string[];
  all?: boolean;
  yes?: boolean;
}

/** `tasklane dlq purge --yes`: deletes DLQ messages for good. */
export function dlqPurgeCommand(run: CommandRunner): Command {
  return new Command("purge")
    .description("delete messages from the DLQ, for good (needs --yes)")
    .option(
      "--id <ids...>",
      "only these messages: task ids or message ids (repeatable, or comma-separated)",
      collectIds,
    )
    .option("--all", "every message in the DLQ")
    .option("-y, --yes", "confirm: the messages cannot be recovered")
    .addHelpText(
      "after",
      `
Their tasks stay \`queued\` in the API; submit them again if they should run. Each message is reported.
Exits 0 when every selected message was deleted, 1 when some were not or an --id was not found,
2 without --yes. --json prints { dlq, deleted, failed, notFound, messages: [...] }.`,
    )
    .action(
      run<DlqPurgeOptions>(async (ctx, _args, options) => {
        const selection = deadLetterSelection(options, "dlq purge");
        if (!options.yes) {
          throw new UsageError(
            "dlq purge deletes messages for good, and nothing can bring them back; it needs --yes to go ahead",
            {
              fix: "look at them first with `tasklane dlq list`, consider `tasklane dlq redrive`, then add --yes",
            },
          );
        }
        const target = await ctx.resolveTarget();
        const dlqUrl = requireDlqUrl(target);
        const sqs = await ctx.sqs();
        const { output } = ctx;

        output.line(`Deleting from ${queueName(dlqUrl)}:`);
        const run = await runSweep(ctx, async (onReport) =>
          purgeDeadLetters({
            sqs,
            dlqUrl,
            select: (letter) => selection.select(letter),
            waitTimeSeconds: await ctx.receiveWaitSeconds(),
            ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
            onReport,
          }),
        );
        const deleted = run.reports.filter((r) => r.outcome === "deleted").length;
        const failed = run.reports.filter((r) => r.outcome === "failed").length;
        return printSweepSummary(ctx, {
          ...run,
          document: { dlq: dlqUrl, deleted, failed },
          notFound: selection.notFound(),
          summary: `${deleted} deleted, ${failed} failed.`,
          nothingSelected: "Nothing to delete: the DLQ has no message that matches.",
          exitCode: failed > 0 ? EXIT_CODES.failed : EXIT_CODES.ok,
        });
      }),
    );
}
