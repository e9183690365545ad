import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { durationMs } from "../optionParsers.js";
import { followToEnd } from "../taskOutcome.js";

interface WatchOptions {
  timeout?: number;
}

/** `tasklane watch <id>`: a line per change until the task is finished. */
export function watchCommand(run: CommandRunner): Command {
  return new Command("watch")
    .description("follow a task until it succeeds, fails or is cancelled, a line per change")
    .argument("<id>", "the task's id")
    .option(
      "--timeout <duration>",
      "give up after this long (30s, 5m, 1h); the task keeps running",
      durationMs,
    )
    .addHelpText(
      "after",
      "\nExits 0 when the task succeeded, 1 when it failed or was cancelled, 5 on --timeout.\n" +
        "--json prints JSON lines: the task each time it changes, the last one finished.",
    )
    .action(
      run<WatchOptions>(async (ctx, [id], options) => {
        return followToEnd(ctx, await ctx.api(), id as string, {
          timeoutMs: options.timeout,
          jsonLines: true,
        });
      }),
    );
}
