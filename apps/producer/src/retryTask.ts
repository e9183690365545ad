import type { TaskRecord } from "@tasklane/shared-task";
import type { Actor, TaskRecords } from "@tasklane/task-store";
import { envelopeOf, type SendDeps, sendEnvelopes } from "./sendEnvelopes.js";
import { markSent } from "./submitTasks.js";

export interface RetryDeps extends SendDeps {
  records: TaskRecords;
}

export type RetryOutcome =
  | { kind: "queued"; record: TaskRecord }
  | { kind: "not-found" }
  /** Not failed or cancelled at the generation the caller saw (or another retry won). */
  | { kind: "conflict"; record: TaskRecord }
  | {
      kind: "unavailable";
      detail: string;
      /** Whether the refused retry was undone (`false`: the resend sweep sends it instead). */
      restored: boolean;
    };

/**
 * Runs a failed or cancelled task again as its next generation, so it gets a new execution
 * name. `generation` is the one the caller saw (`undefined`: the current one, read now); of
 * concurrent retries of one generation exactly one moves the record, in one conditional write,
 * and the rest are conflicts. If SQS refuses the envelope, the new generation ends as the old
 * one did, so the task stays retryable and no record ever moves back a generation.
 */
export async function retryTask(
  deps: RetryDeps,
  taskId: string,
  actor: Actor,
  generation?: number,
): Promise<RetryOutcome> {
  let expected = generation;
  if (expected === undefined) {
    const current = await deps.records.getFor(taskId, actor);
    if (!current) return { kind: "not-found" };
    expected = current.generation;
  }
  const moved = await deps.records.retry(taskId, expected, actor);
  if (!moved.ok) {
    return moved.reason === "not-found"
      ? { kind: "not-found" }
      : { kind: "conflict", record: moved.record };
  }
  const { record, previous } = moved;
  const failure = (await sendEnvelopes(deps, [{ index: 0, envelope: envelopeOf(record) }])).get(0);
  if (failure) {
    const restored = await deps.records.restoreUnsentRetry(record, previous).catch(() => false);
    return { kind: "unavailable", detail: failure.detail, restored };
  }
  await markSent(deps, record);
  return { kind: "queued", record };
}
