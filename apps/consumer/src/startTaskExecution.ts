import { randomUUID } from "node:crypto";
import type { SFNClient } from "@aws-sdk/client-sfn";
import {
  type AnyTaskDefinition,
  executionName,
  parseEnvelope,
  type TaskEnvelope,
  type WorkflowBounds,
  workflowFor,
} from "@tasklane/shared-task";
import {
  executionArnFor,
  startExecution,
  stopExecution,
  type TaskRecords,
} from "@tasklane/task-store";

export interface StartDeps {
  sfn: SFNClient;
  records: Pick<TaskRecords, "get">;
  /** The Standard state machine: tasks that poll or run long, and every task without `express`. */
  stateMachineArn: string;
  /**
   * The Express state machine and the task types it runs (those `workflowFor` gives `express`);
   * absent when the stack deploys none (`tasklane:workflow.express` off).
   */
  express?: { stateMachineArn: string; types: ReadonlySet<string> } | undefined;
  /** The start id of a new execution; random, so every start's input is its own. */
  newRunId?: () => string;
}

/**
 * What became of one message. Only `started` started anything; every other outcome deletes the
 * message (it has nothing left to do) and is logged and counted under its own name.
 */
export type StartOutcome =
  /** An execution started: on Standard the generation's only one, on Express perhaps one more. */
  | "started"
  /** The generation already has an execution: a duplicate delivery, absorbed. */
  | "duplicate"
  /** Cancelled while it waited in the queue (any Standard execution of it is stopped). */
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
 * A task type `express.types` names starts on the Express state machine, any other on the
 * Standard one, under the same name `<id>-g<generation>`. Each start carries a fresh start id
 * (`run`) in its input. Step Functions refuses a Standard execution name already used with
 * another input (`ExecutionAlreadyExists`), so a duplicate delivery racing a start, or arriving
 * while the execution runs, is told apart from a start without a second write. Express dedupes
 * no name: a duplicate that reads the record before the first execution claims it starts a
 * second execution (an honest `started`), whose CreateTask finds the claim taken and runs
 * nothing (`TaskSupersededError`, counted by MarkFailed as a superseded execution). Express
 * executions cannot be stopped either: a cancelled task's next step finds the record cancelled.
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
  const express = deps.express?.types.has(envelope.type) ? deps.express : undefined;
  switch (record.status) {
    case "cancelled":
      // An earlier delivery may have started it before the cancellation: stop it. A cancel that
      // met no execution yet could not; this redelivery can. An Express execution has no
      // StopExecution: its next step finds the record cancelled and runs nothing.
      if (!express) {
        await stopExecution(deps.sfn, executionArnFor(deps.stateMachineArn, name), {
          error: "TaskCancelled",
          cause: "the task was cancelled",
        });
      }
      return { outcome: "cancelled", envelope };
    case "running":
    case "succeeded":
    case "failed":
      return { outcome: "duplicate", envelope };
    case "queued": {
      const run = (deps.newRunId ?? randomUUID)();
      const machine = express?.stateMachineArn ?? deps.stateMachineArn;
      const started = await startExecution(deps.sfn, machine, name, { task: envelope, run });
      return { outcome: started === "started" ? "started" : "duplicate", envelope };
    }
  }
}

/**
 * The task types that run on Express: those of `definitions` that `workflowFor` gives `express`
 * under the deployed workflows' `bounds`. The consumer computes it once, at cold start.
 */
export function expressTaskTypes(
  definitions: Iterable<AnyTaskDefinition>,
  bounds: WorkflowBounds,
): Set<string> {
  return new Set(
    [...definitions].filter((d) => workflowFor(d, bounds) === "express").map((d) => d.type),
  );
}
