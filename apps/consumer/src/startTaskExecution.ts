import { randomUUID } from "node:crypto";
import type { SFNClient } from "@aws-sdk/client-sfn";
import { executionName, parseEnvelope, type TaskEnvelope } from "@tasklane/shared-task";
import {
  executionArnFor,
  startExecution,
  stopExecution,
  type TaskRecords,
} from "@tasklane/task-store";

export interface StartDeps {
  sfn: SFNClient;
  records: Pick<TaskRecords, "get">;
  stateMachineArn: string;
  /** The start id of a new execution; random, so every start's input is its own. */
  newRunId?: () => string;
}

/**
 * What became of one message. Only `started` started anything; every other outcome deletes the
 * message (it has nothing left to do) and is logged and counted under its own name.
 */
export type StartOutcome =
  | "started"
  /** The generation already has an execution: a duplicate delivery, absorbed. */
  | "duplicate"
  /** Cancelled while it waited in the queue (any execution of it is stopped). */
  | "cancelled"
  /** No record: the submission was rolled back after an ambiguous send. */
  | "orphan"
  /** The record moved on to another generation (a retry), or never reached this one. */
  | "stale";

export interface StartResult {
  outcome: StartOutcome;
  envelope: TaskEnvelope;
}

/**
 * Starts the execution of one SQS message's task generation, if the task's record expects it.
 * The record decides, read strongly consistent: a message whose task has no record, whose
 * generation is not the record's, or whose generation ended or was cancelled starts nothing.
 *
 * Each start carries a fresh start id (`run`) in its input. Step Functions refuses a Standard
 * execution name already used with another input (`ExecutionAlreadyExists`), so a duplicate
 * delivery racing a start, or arriving while the execution runs, is told apart from a start
 * without a second write; on Express, which dedupes nothing, the first execution to claim the
 * record with its start id is the only one that runs the task.
 *
 * Throws (and so leaves the message for redelivery, then the DLQ) when the body is not an
 * envelope or the table or Step Functions cannot be reached.
 */
export async function startTaskExecution(deps: StartDeps, body: string): Promise<StartResult> {
  const envelope = parseEnvelope(body);
  const { id, generation } = envelope;
  const record = await deps.records.get(id);
  if (!record) return { outcome: "orphan", envelope };
  if (record.generation !== generation) return { outcome: "stale", envelope };

  const name = executionName(id, generation);
  switch (record.status) {
    case "cancelled":
      // An earlier delivery may have started it before the cancellation: stop it. A cancel that
      // met no execution yet could not; this redelivery can.
      await stopExecution(deps.sfn, executionArnFor(deps.stateMachineArn, name), {
        error: "TaskCancelled",
        cause: "the task was cancelled",
      });
      return { outcome: "cancelled", envelope };
    case "running":
    case "succeeded":
    case "failed":
      return { outcome: "duplicate", envelope };
    case "queued": {
      const run = (deps.newRunId ?? randomUUID)();
      const started = await startExecution(deps.sfn, deps.stateMachineArn, name, {
        task: envelope,
        run,
      });
      return { outcome: started === "started" ? "started" : "duplicate", envelope };
    }
  }
}
