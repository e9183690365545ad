import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { durationMs } from "../optionParsers.js";
import { followToEnd } from "../taskOutcome.js";

interface RetryOptions {
  wait?: boolean;
  timeout?: number;
}

/** `tasklane retry <id>`: runs a failed or cancelled task again, as a new generation. */
export function retryCommand(run: CommandRunner): Command {
  return new Command("retry")
    .description("run a failed or cancelled task again (a new generation, with the same input)")
    .argument("<id>", "the task's id")
    .option("--wait", "follow the task until it finishes again")
    .option("--timeout <duration>", "with --wait, give up waiting after this long", durationMs)
    .addHelpText(
      "after",
      "\nExits 0 once queued again (with --wait: 0 succeeded, 1 failed or cancelled, 5 --timeout);\n" +
        "4 when the task is not failed or cancelled.",
    )
    .action(
      run<RetryOptions>(async (ctx, [id], options) => {
        const api = await ctx.api();
        const queued = await api.retryTask(id as string);
        ctx.output.line(
          `Task ${queued.id} (${queued.type}) is queued again as generation ${queued.generation ?? "?"}.`,
        );
        if (!options.wait) {
          ctx.output.document(queued);
          return EXIT_CODES.ok;
        }
        return followToEnd(ctx, api, queued.id, { timeoutMs: options.timeout });
      }),
    );
}
