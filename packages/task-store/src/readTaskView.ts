import type { SFNClient } from "@aws-sdk/client-sfn";
import { deriveTaskView, executionName, type TaskView } from "@tasklane/shared-task";
import { describeExecution, executionArnFor } from "./executions.js";
import type { TaskStore } from "./taskStore.js";

export interface TaskViewDeps {
  store: TaskStore;
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * A task's current view: its record, its execution and the records its run wrote, read in
 * parallel. `undefined` when there is no such task.
 */
export async function readTaskView(
  deps: TaskViewDeps,
  taskId: string,
): Promise<TaskView | undefined> {
  const record = await deps.store.getRecord(taskId);
  if (!record) return undefined;
  const { id, generation } = record;
  const arn = executionArnFor(deps.stateMachineArn, executionName(id, generation));
  const [execution, ledger, result, failure, cancellation] = await Promise.all([
    describeExecution(deps.sfn, arn),
    deps.store.getLedger(id, generation),
    deps.store.getResult(id, generation),
    deps.store.getFailure(id, generation),
    deps.store.getCancellation(id, generation),
  ]);
  return deriveTaskView({ record, execution, ledger, result, failure, cancellation });
}
