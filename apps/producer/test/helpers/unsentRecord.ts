import {
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  type TaskRecord,
} from "@tasklane/shared-task";
import type { TaskRecords } from "@tasklane/task-store";

/**
 * A task's record as a sender writes it before its send (queued, marked unsent, no message):
 * what a sender that died between its put and its send leaves behind, which only the resend
 * sweep (or a replay of its key) sends.
 */
export async function unsentRecord(
  records: TaskRecords,
  options: {
    owner: string;
    input: JsonValue;
    correlationId: string;
    createdAt: string;
    id?: string;
    type?: string;
    idempotencyKey?: string;
  },
): Promise<TaskRecord> {
  const { input, type = "echo", id = newTaskId() } = options;
  const created = await records.create({
    id,
    type,
    owner: options.owner,
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type, input }),
    correlationId: options.correlationId,
    createdAt: options.createdAt,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  if (!created.created) throw new Error(`setup: the task id ${id} was taken`);
  return created.record;
}
