import type { TasklaneClient, TaskResource } from "@tasklane/api-client";
import type { CommandContext } from "./commandContext.js";
import { EXIT_CODES } from "./constants.js";
import { followTask } from "./followTask.js";
import { progressLine, taskDetails } from "./output/formatTask.js";

/**
 * Follows a task to its end for `submit --wait`, `retry --wait` and `watch`: a line per change,
 * then the finished task's details and, for a failure, what to do next. With `--json` the
 * finished task is the one document, or with `jsonLines` (`watch`) every change is a JSON line.
 * Resolves the exit code: 0 when it succeeded, 1 when it failed or was cancelled.
 *
 * @throws WaitTimeoutError after `timeoutMs`; InterruptedError on Ctrl-C.
 */
export async function followToEnd(
  ctx: CommandContext,
  api: Pick<TasklaneClient, "waitForTask">,
  id: string,
  options: { timeoutMs?: number | undefined; jsonLines?: boolean } = {},
): Promise<number> {
  const { output } = ctx;
  const task = await followTask(api, id, {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    onChange: (change) => {
      if (options.jsonLines) output.jsonLine(change);
      output.line(progressLine(change));
    },
  });
  if (!options.jsonLines) output.document(task);
  output.line();
  printOutcome(ctx, task);
  return task.status === "succeeded" ? EXIT_CODES.ok : EXIT_CODES.failed;
}

function printOutcome({ output }: CommandContext, task: TaskResource): void {
  output.lines(taskDetails(task));
  if (task.status === "failed") {
    output.line();
    output.line(`It failed. Run it again with: tasklane retry ${task.id}`);
  }
}
