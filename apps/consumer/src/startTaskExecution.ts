import type { SFNClient } from "@aws-sdk/client-sfn";
import { executionName, parseEnvelope, type TaskEnvelope } from "@tasklane/shared-task";
import {
  executionArnFor,
  startExecution,
  stopExecution,
  type TaskStore,
} from "@tasklane/task-store";

export interface StartDeps {
  sfn: SFNClient;
  store: TaskStore;
  stateMachineArn: string;
}

export type StartResult =
  | { outcome: "started"; envelope: TaskEnvelope }
  /** This generation already has an execution: a duplicate delivery, absorbed. */
  | { outcome: "duplicate"; envelope: TaskEnvelope }
  /** Cancelled while it waited in the queue: nothing to run. */
  | { outcome: "cancelled"; envelope: TaskEnvelope };

/**
 * Starts the execution of one SQS message's task generation, named after it, so at-least-once
 * delivery still runs it exactly once. Throws (and so leaves the message for redelivery, then
 * the DLQ) when the body is not an envelope or Step Functions cannot be reached.
 */
export async function startTaskExecution(deps: StartDeps, body: string): Promise<StartResult> {
  const envelope = parseEnvelope(body);
  const { id, generation } = envelope;
  if (await deps.store.getCancellation(id, generation)) return { outcome: "cancelled", envelope };

  const name = executionName(id, generation);
  const started = await startExecution(deps.sfn, deps.stateMachineArn, name, { task: envelope });
  if (started === "already-exists") return { outcome: "duplicate", envelope };

  // The canceller writes its marker, then stops any execution it finds; starting, then looking
  // for a marker, closes the gap between the two: a late cancellation is still honoured.
  if (await deps.store.getCancellation(id, generation)) {
    await stopExecution(deps.sfn, executionArnFor(deps.stateMachineArn, name), {
      error: "TaskCancelled",
      cause: "cancelled while the execution was starting",
    });
    return { outcome: "cancelled", envelope };
  }
  return { outcome: "started", envelope };
}
