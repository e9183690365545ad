import type { SFNClient } from "@aws-sdk/client-sfn";
import { executionName, type TaskRecord } from "@tasklane/shared-task";
import { type Actor, executionArnFor, stopExecution, type TaskRecords } from "@tasklane/task-store";

export interface CancelDeps {
  records: TaskRecords;
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * What became of the execution: `stopped`, `none` (nothing was running, or nothing could have
 * started yet), or `failed` (Step Functions did not answer): the cancellation stands all the
 * same, and the execution's next step finds it and stops.
 */
export type StopResult = "stopped" | "none" | "failed";

export type CancelOutcome =
  | { kind: "cancelled"; record: TaskRecord; alreadyCancelled: boolean; stop: StopResult }
  | { kind: "not-found" }
  | { kind: "finished"; record: TaskRecord };

export const CANCEL_ERROR = "TaskCancelled";

/**
 * Cancels a task's current generation: one conditional write, which wins or loses against the
 * generation's end, and is what counts. Then, if the task may have an execution, stops its
 * Standard execution as a courtesy: an execution the stop misses (it was only starting, or Step
 * Functions did not answer) finds the record cancelled at its next step and runs nothing more,
 * and a redelivery of its message stops it. A task that runs on Express has no Standard
 * execution (the stop finds none), and its own cannot be stopped: Express has no
 * `StopExecution`, so its next step's claim or conditional write is what ends it. Nothing here
 * ever needs `DescribeExecution`. Cancelling a cancelled task changes nothing (and tries the
 * stop again); a finished one cannot be cancelled.
 */
export async function cancelTask(
  deps: CancelDeps,
  taskId: string,
  actor: Actor,
): Promise<CancelOutcome> {
  const outcome = await deps.records.cancel(taskId, actor);
  if (!outcome.ok && outcome.reason === "not-found") return { kind: "not-found" };
  const { record } = outcome;
  if (record.status !== "cancelled") return { kind: "finished", record };
  // A cancel answered with an error after its write applied is repeated by the client: it finds
  // the task cancelled and stops the execution again, which the first attempt may not have.
  const stop =
    record.runId !== undefined || record.sentAt !== undefined
      ? await stopCurrentExecution(deps, record, actor)
      : "none";
  return { kind: "cancelled", record, alreadyCancelled: !outcome.ok, stop };
}

async function stopCurrentExecution(
  deps: CancelDeps,
  record: TaskRecord,
  actor: Actor,
): Promise<StopResult> {
  const name = executionName(record.id, record.generation);
  try {
    const stopped = await stopExecution(deps.sfn, executionArnFor(deps.stateMachineArn, name), {
      error: CANCEL_ERROR,
      cause: `cancelled by ${actor.caller}`,
    });
    return stopped ? "stopped" : "none";
  } catch {
    return "failed";
  }
}
