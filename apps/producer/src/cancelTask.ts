import { executionName, type TaskView } from "@tasklane/shared-task";
import {
  describeExecution,
  executionArnFor,
  readTaskView,
  stopExecution,
  type TaskViewDeps,
} from "@tasklane/task-store";

export type CancelOutcome =
  | { kind: "cancelled"; view: TaskView }
  | { kind: "not-found" }
  | { kind: "finished"; view: TaskView };

export const CANCEL_ERROR = "TaskCancelled";

/**
 * Cancels a task's current generation. A queued task gets a cancellation marker, which the
 * consumer checks before starting it; a running one is also stopped. Cancelling a cancelled task
 * changes nothing; a finished one cannot be cancelled.
 *
 * The marker is written before the execution is checked, and the consumer checks the marker
 * after starting: whichever of the two moves second sees the other, so a task cancelled while the
 * consumer is starting it is still stopped.
 */
export async function cancelTask(
  deps: TaskViewDeps & { now(): Date },
  taskId: string,
  caller: string,
): Promise<CancelOutcome> {
  const view = await readTaskView(deps, taskId);
  if (!view) return { kind: "not-found" };
  if (view.status === "cancelled") return { kind: "cancelled", view };
  if (view.status === "succeeded" || view.status === "failed") return { kind: "finished", view };

  await deps.store.putCancellation({
    id: view.id,
    generation: view.generation,
    cancelledAt: deps.now().toISOString(),
    cancelledBy: caller,
  });
  const arn = executionArnFor(deps.stateMachineArn, executionName(view.id, view.generation));
  const execution = await describeExecution(deps.sfn, arn);
  if (execution?.status === "RUNNING") {
    await stopExecution(deps.sfn, arn, { error: CANCEL_ERROR, cause: `cancelled by ${caller}` });
  }
  const after = (await readTaskView(deps, taskId)) as TaskView;
  // The execution may have finished between the first read and the stop.
  if (after.status === "succeeded" || after.status === "failed")
    return { kind: "finished", view: after };
  return { kind: "cancelled", view: after };
}
