import { WorkflowSettingsError } from "../errors.js";
import {
  failureReserveSeconds,
  resolveWorkflowBounds,
  type WorkflowBounds,
} from "./workflowBounds.js";

/** What the check reads of a task; contracts, definitions and registries' entries all fit. */
export interface TaskTimeout {
  readonly type: string;
  readonly timeoutSeconds?: number | undefined;
}

/**
 * Checks that every task's `timeoutSeconds` ends early enough for its `TaskTimeoutError` to be
 * recorded before the execution itself times out. An execution timeout is `States.Timeout`,
 * which no Catch sees: the task would end with no failure record. Call it wherever the task
 * registry and the workflow settings meet (the Pulumi program's policy tests, the local runtime).
 * Tasks without a timeout are bounded by `maxPolls` and the execution timeout alone.
 *
 * @throws WorkflowSettingsError naming each task whose `timeoutSeconds` does not fit.
 * @example
 * ```ts
 * assertTasksFitWorkflow(taskDefinitions.list(), workflowBounds(config)); // stack-config's
 * ```
 */
export function assertTasksFitWorkflow(
  tasks: Iterable<TaskTimeout>,
  bounds: WorkflowBounds = {},
): void {
  const resolved = resolveWorkflowBounds(bounds);
  const reserve = failureReserveSeconds(resolved);
  const longest = resolved.executionTimeoutSeconds - reserve;
  const problems: string[] = [];
  for (const task of tasks) {
    if (task.timeoutSeconds === undefined || task.timeoutSeconds <= longest) continue;
    const raise = `raise \`executionTimeoutSeconds\` to at least ${reserve + task.timeoutSeconds}`;
    const fix = longest >= 1 ? `lower it to at most ${longest} or ${raise}` : raise;
    problems.push(
      `task \`${task.type}\`: \`timeoutSeconds\` ${task.timeoutSeconds} does not fit the workflow's \`executionTimeoutSeconds\` ${resolved.executionTimeoutSeconds}, which must also leave ${reserve} s after the deadline to record the failure; ${fix}`,
    );
  }
  if (problems.length > 0) throw new WorkflowSettingsError(problems.join("; "));
}
