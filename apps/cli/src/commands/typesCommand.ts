import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { taskTypeLines } from "../output/formatTask.js";

/** `tasklane types`: the task catalog, with each type's input and output schema. */
export function typesCommand(run: CommandRunner): Command {
  return new Command("types")
    .description("list the task types the API accepts, with their input and output JSON schemas")
    .addHelpText(
      "after",
      "\n--json prints the catalog: [{ type, description, inputSchema, outputSchema }].",
    )
    .action(
      run(async (ctx) => {
        const types = await (await ctx.api()).listTaskTypes();
        ctx.output.document(types);
        types.forEach((type, i) => {
          if (i > 0) ctx.output.line();
          ctx.output.lines(taskTypeLines(type));
        });
        return EXIT_CODES.ok;
      }),
    );
}
