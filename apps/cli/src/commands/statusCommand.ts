import type { TaskResource } from "@tasklane/api-client";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { taskDetails } from "../output/formatTask.js";

/** `tasklane status <id>`: the task's status, attempts, timestamps and output or error. */
export function statusCommand(run: CommandRunner): Command {
  return new Command("status")
    .description("show a task: status, attempts, timestamps, and its output or error")
    .argument("<id>", "the task's id")
    .addHelpText(
      "after",
      "\nExits 0 whatever the task's status (use `watch` to wait for it); --json prints the task.",
    )
    .action(
      run(async (ctx, [id]) => {
        const task: TaskResource = await (await ctx.api()).getTask(id as string);
        ctx.output.document(task);
        ctx.output.lines(taskDetails(task));
        return EXIT_CODES.ok;
      }),
    );
}
