import { Command, Option } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { durationMs } from "../optionParsers.js";
import { readJsonInput } from "../submissions/readJsonInput.js";
import { followToEnd } from "../taskOutcome.js";

interface SubmitOptions {
  input?: string;
  inputFile?: string;
  idempotencyKey?: string;
  wait?: boolean;
  timeout?: number;
}

/** `tasklane submit <type>`: one task; with `--wait`, followed to its end. */
export function submitCommand(run: CommandRunner): Command {
  return new Command("submit")
    .description("submit one task; with --wait, follow it to the end and print its output or error")
    .argument("<type>", "the task type (`tasklane types` lists them)")
    .addOption(new Option("--input <json>", "the task's input, as JSON").conflicts("inputFile"))
    .option("--input-file <path>", "read the task's input from a JSON file")
    .option(
      "--idempotency-key <key>",
      "a key of yours: the same key and input map to the same task, however often submitted",
    )
    .option("--wait", "follow the task until it succeeds, fails or is cancelled")
    .option(
      "--timeout <duration>",
      "with --wait, give up waiting after this long (30s, 5m)",
      durationMs,
    )
    .addHelpText(
      "after",
      "\nWithout --wait, exits 0 once the task is accepted. With --wait, exits 0 when it succeeded,\n" +
        "1 when it failed or was cancelled, 5 on --timeout. --json prints the accepted task, or with\n" +
        "--wait the finished one.",
    )
    .action(
      run<SubmitOptions>(async (ctx, [type], options) => {
        const input = await readJsonInput(options, ctx.io.cwd);
        const api = await ctx.api();
        const accepted = await api.submitTask(
          { type: type as string, ...(input === undefined ? {} : { input }) },
          options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {},
        );
        const { output } = ctx;
        output.line(
          accepted.replayed
            ? `Task ${accepted.id} (${accepted.type}) was already submitted with this idempotency key; nothing new was queued.`
            : `Accepted task ${accepted.id} (${accepted.type}), queued.`,
        );
        if (!options.wait) {
          output.document(accepted);
          output.line(`Follow it with: tasklane watch ${accepted.id}`);
          return EXIT_CODES.ok;
        }
        return followToEnd(ctx, api, accepted.id, { timeoutMs: options.timeout });
      }),
    );
}
