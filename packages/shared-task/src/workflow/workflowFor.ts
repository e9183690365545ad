import { expressWorkflowBounds, type WorkflowBounds, type WorkflowType } from "./workflowBounds.js";

/** What the choice reads of a task: whether it polls, and how long it may take. */
export interface WorkflowTaskShape {
  readonly timeoutSeconds?: number | undefined;
  readonly poll?: unknown;
}

/**
 * The workflow a task runs on. `express` for a task that defines no `poll` and whose
 * `timeoutSeconds` is at most the Express workflow's `maxTaskSeconds` (35 s with the default
 * bounds): every call of its `start` then ends inside one Express Task state, and the Express
 * workflow's worst case, with every retry of every step and MarkFailed's, stays within Express's
 * 5 minutes. `standard` for everything else: tasks that poll, and tasks that are long or set no
 * timeout. The consumer asks this once per task type; `bounds` are the deployed workflows'.
 *
 * @throws WorkflowSettingsError when the bounds are invalid or leave no room for Express.
 *
 * @example
 * ```ts
 * workflowFor(echo, { stepTimeoutSeconds: 65 }); // "express"
 * workflowFor(sleep, { stepTimeoutSeconds: 65 }); // "standard": it polls
 * ```
 */
export function workflowFor(task: WorkflowTaskShape, bounds: WorkflowBounds = {}): WorkflowType {
  if (task.poll !== undefined || task.timeoutSeconds === undefined) return "standard";
  return task.timeoutSeconds <= expressWorkflowBounds(bounds).maxTaskSeconds
    ? "express"
    : "standard";
}
