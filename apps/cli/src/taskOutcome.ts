import type { TaskResource } from "@tasklane/api-client";
import { EXIT_CODES } from "./constants.js";
import { taskDetails } from "./formatTask.js";
import type { Output } from "./output.js";

/** The exit code of a finished task: 0 when it succeeded, 1 when it failed or was cancelled. */
export function exitCodeOf(task: TaskResource): number {
  return task.status === "succeeded" ? EXIT_CODES.ok : EXIT_CODES.failed;
}

/** Prints a finished task for people: its details, and for a failure what to do next. */
export function printOutcome(output: Output, task: TaskResource): void {
  output.lines(taskDetails(task));
  if (task.status === "failed") {
    output.line();
    output.line(`It failed. Run it again with: tasklane retry ${task.id}`);
  }
}
