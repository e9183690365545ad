import type { SFNClient } from "@aws-sdk/client-sfn";
import {
  deriveTaskView,
  executionName,
  type TaskRecord,
  type TaskView,
} from "@tasklane/shared-task";
import { describeExecution, executionArnFor } from "./executions.js";
import type { TaskStore } from "./taskStore.js";

export interface TaskViewDeps {
  store: TaskStore;
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * A task's current view: its record, its execution and the records its run wrote, read in
 * parallel. `undefined` when there is no such task, or when it was never accepted: see
 * `awaitsFirstSend`.
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
  const ran = execution || ledger || result || failure || cancellation;
  if (awaitsFirstSend(record) && !ran) return undefined;
  return deriveTaskView({ record, execution, ledger, result, failure, cancellation });
}

/**
 * A record made for an `Idempotency-Key` whose envelope has not reached SQS: the request was
 * answered 503 (or is still in flight), so for the client the task does not exist. The record
 * stays so that a replay of the key finds its id and sends it; until then it is not shown, or it
 * would read `queued` forever. Once its envelope is sent the producer stamps `enqueuedAt`, and if
 * that write failed, the execution (or anything its run writes) shows the task exists after all.
 */
function awaitsFirstSend(record: TaskRecord): boolean {
  return (
    record.idempotencyKey !== undefined &&
    record.enqueuedAt === undefined &&
    record.generation === 1
  );
}
