import {
  deadLetterJson,
  PEEK_VISIBILITY_SECONDS,
  peekDeadLetters,
  queueDepth,
  queueName,
} from "@tasklane/dead-letters";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { BODY_PREVIEW_CHARS, EXIT_CODES } from "../constants.js";
import { wholeNumber } from "../optionParsers.js";
import { formatTime, oneLine } from "../output/formatTask.js";
import { requireDlqUrl } from "../target/resolveTarget.js";

interface DlqListOptions {
  limit: number;
}

/** `tasklane dlq list`: the DLQ's messages, peeked at, not consumed. */
export function dlqListCommand(run: CommandRunner): Command {
  return new Command("list")
    .description("show the messages waiting in the DLQ, without consuming them")
    .option("--limit <n>", "show at most this many messages (1-10000)", wholeNumber(1, 10_000), 100)
    .addHelpText(
      "after",
      `
Messages are received with a ${PEEK_VISIBILITY_SECONDS} s visibility timeout and made visible again at once, so they
stay in the DLQ. RECEIVES is SQS's receive count, less this peek: the failed deliveries, plus any
earlier peeks. ID is the task id, or the SQS message id when the body is not a task; either works
with --id of redrive and purge. BODY PREVIEW shows a task's input, or the start of another body.
FIFO DLQs show at most the first messages of each message group.
--json prints { dlq, approximateDepth, messages: [{ messageId, taskId, type, receiveCount,
firstFailureAt, sentAt, redriveCount, preview, body, ... }] }.`,
    )
    .action(
      run<DlqListOptions>(async (ctx, _args, options) => {
        const target = await ctx.resolveTarget();
        const dlqUrl = requireDlqUrl(target);
        const sqs = await ctx.sqs();
        const depth = await queueDepth(sqs, dlqUrl);
        const { letters: shown, more: hasMore } = await peekDeadLetters(sqs, dlqUrl, {
          limit: options.limit,
          waitTimeSeconds: await ctx.receiveWaitSeconds(),
        });

        ctx.output.document({
          dlq: dlqUrl,
          approximateDepth: depth.visible + depth.inFlight,
          messages: shown.map(deadLetterJson),
        });
        const name = queueName(dlqUrl);
        if (shown.length === 0) {
          ctx.output.line(`The DLQ ${name} is empty.`);
          return EXIT_CODES.ok;
        }
        ctx.output.table(
          ["ID", "TYPE", "RECEIVES", "FIRST FAILURE", "BODY PREVIEW"],
          shown.map((letter) => [
            letter.taskId ?? letter.messageId,
            letter.type ?? "(not a task)",
            String(letter.receiveCount) +
              (letter.redriveCount > 0 ? ` (${letter.redriveCount} redrives)` : ""),
            formatTime(letter.firstFailureAt),
            oneLine(letter.preview, BODY_PREVIEW_CHARS),
          ]),
        );
        ctx.output.line();
        const more = hasMore ? " (more than --limit: raise it to see them)" : "";
        ctx.output.line(
          `${shown.length} message${shown.length === 1 ? "" : "s"} in ${name}${more}; they stay there.`,
        );
        ctx.output.line(
          "Move them back with `tasklane dlq redrive --all` (or --id <id>); see a task with `tasklane status <id>`.",
        );
        return EXIT_CODES.ok;
      }),
    );
}
