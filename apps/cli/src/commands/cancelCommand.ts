import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { taskDetails } from "../output/formatTask.js";

/** `tasklane cancel <id>`: stops a queued or running task. */
export function cancelCommand(run: CommandRunner): Command {
  return new Command("cancel")
    .description("cancel a queued or running task")
    .argument("<id>", "the task's id")
    .addHelpText(
      "after",
      "\nExits 0 when cancelled; 4 when the task already finished (or, locally, while Step Functions\nis down: nobody can tell whether it runs). --json prints the cancelled task.",
    )
    .action(
      run(async (ctx, [id]) => {
        const task = await (await ctx.api()).cancelTask(id as string);
        ctx.output.document(task);
        ctx.output.line(`Task ${task.id} is ${task.status}.`);
        ctx.output.line();
        ctx.output.lines(taskDetails(task));
        return EXIT_CODES.ok;
      }),
    );
}
