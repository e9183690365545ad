import type { TaskView } from "@tasklane/shared-task";
import { readTaskView, type TaskViewDeps } from "@tasklane/task-store";
import { envelopeOf, recordEnqueued, type SubmitDeps, sendEnvelopes } from "./submitTasks.js";

export type RetryOutcome =
  | { kind: "queued"; id: string; type: string; generation: number }
  | { kind: "not-found" }
  | { kind: "not-retryable"; view: TaskView }
  | { kind: "unavailable"; detail: string };

/**
 * Runs a failed or cancelled task again as its next generation, so it gets a new execution
 * name. The record moves to the new generation before the envelope is sent; if sending fails it
 * moves back, so the task stays retryable.
 */
export async function retryTask(
  deps: TaskViewDeps & Pick<SubmitDeps, "sqs" | "queueUrl" | "now">,
  taskId: string,
): Promise<RetryOutcome> {
  const view = await readTaskView(deps, taskId);
  if (!view) return { kind: "not-found" };
  if (view.status !== "failed" && view.status !== "cancelled")
    return { kind: "not-retryable", view };

  const record = await deps.store.getRecord(taskId);
  if (!record) return { kind: "not-found" };
  const now = deps.now().toISOString();
  const { enqueuedAt: _enqueued, messageId: _message, ...rest } = record;
  const next = { ...rest, generation: record.generation + 1, updatedAt: now };
  await deps.store.putRecord(next);
  const failures = await sendEnvelopes(deps, [{ index: 0, envelope: envelopeOf(next, now) }]);
  const failure = failures.get(0);
  if (failure) {
    await deps.store.putRecord(record).catch(() => undefined);
    return { kind: "unavailable", detail: failure };
  }
  if (next.idempotencyKey) await recordEnqueued(deps, next);
  return { kind: "queued", id: next.id, type: next.type, generation: next.generation };
}
