import { executionName, type TaskRecord } from "@tasklane/shared-task";
import { type Actor, executionArnFor, stopExecution, type TaskRecords } from "@tasklane/task-store";
import type { SFNClient } from "@aws-sdk/client-sfn";

export interface CancelDeps {
  records: TaskRecords;
  sfn: SFNClient;
  stateMachineArn: string;
}

export type CancelOutcome =
  | { kind: "cancelled"; record: TaskRecord; alreadyCancelled: boolean }
  | { kind: "not-found" }
  | { kind: "finished"; record: TaskRecord };

export const CANCEL_ERROR = "TaskCancelled";

/**
 * Cancels a task's current generation: one conditional write, which wins or loses against the
 * generation's end. Then, if the task may have an execution, stops it (Standard); an execution
 * that was only starting finds the record cancelled at its first step and runs nothing, and a
 * redelivery of its message stops it. Cancelling a cancelled task changes nothing; a finished
 * one cannot be cancelled.
 */
export async function cancelTask(
  deps: CancelDeps,
  taskId: string,
  actor: Actor,
): Promise<CancelOutcome> {
  const outcome = await deps.records.cancel(taskId, actor);
  if (!outcome.ok && outcome.reason === "not-found") return { kind: "not-found" };
  const record = outcome.ok ? outcome.record : outcome.record;
  if (record.status !== "cancelled") return { kind: "finished", record };
  // A cancel answered with an error after its write applied is repeated by the client: it finds
  // the task cancelled and stops the execution again, which the first attempt may not have.
  if (record.runId !== undefined || record.sentAt !== undefined) {
    const name = executionName(taskId, record.generation);
    await stopExecution(deps.sfn, executionArnFor(deps.stateMachineArn, name), {
      error: CANCEL_ERROR,
      cause: `cancelled by ${actor.caller}`,
    });
  }
  return { kind: "cancelled", record, alreadyCancelled: !outcome.ok };
}
