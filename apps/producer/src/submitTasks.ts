import {
  fingerprintSubmission,
  idempotentTaskId,
  isTransientError,
  jsonByteLength,
  newTaskId,
  type Payload,
  type TaskRecord,
} from "@tasklane/shared-task";
import type { TaskPayloads, TaskRecords } from "@tasklane/task-store";
import { mapConcurrently } from "./mapConcurrently.js";
import { envelopeOf, type SendDeps, sendEnvelopes } from "./sendEnvelopes.js";
import type { ValidSubmission } from "./validateSubmission.js";

/** Submissions prepared at once: each makes one or two requests (S3 for a large input, then the table). */
const PREPARE_CONCURRENCY = 16;

export interface SubmitDeps extends SendDeps {
  records: TaskRecords;
  payloads: TaskPayloads;
  /** Inputs whose JSON is larger than this go to the payloads bucket. */
  inlineInputMaxBytes: number;
  now(): Date;
}

/**
 * What became of a refused submission's record: `rolled-back` (deleted, with its input; a stray
 * message of it is an orphan the consumer drops), `left-for-resend` (the rollback itself failed,
 * so the record stays and the resend sweep sends it: the task will run, though this request was
 * answered 503), or `none` (there was nothing of this request's to undo).
 */
export type Rollback = "rolled-back" | "left-for-resend" | "none";

export type SubmitOutcome =
  | { kind: "accepted"; id: string; type: string; replayed: boolean }
  | { kind: "conflict"; id: string; detail: string }
  | { kind: "unavailable"; detail: string; rollback: Rollback };

interface Pending {
  index: number;
  record: TaskRecord;
  /** Created by this request (so this request may roll it back), or a replay's. */
  ours: boolean;
}

/**
 * Accepts validated submissions for `owner` and answers one outcome per submission, in order.
 * The writes come in this order: for each submission, its input to the payloads bucket when it
 * is too large to travel inline, then its record (one conditional put), marked unsent; once
 * every record is written, the envelopes go to SQS in batches of ten (a refused entry or an
 * unanswered batch is tried once more); last, each record SQS took is marked sent, best effort.
 *
 * Input and record come before the send, so no message ever names a task without them; if the
 * request stops before SQS answers, the resend sweep finds the mark and sends the envelope. A
 * refused or ambiguous send deletes the new record conditionally (only if nothing happened to
 * it since), then its stored input, and answers 503: a stray message then finds no record and
 * starts nothing. Should that delete fail, the record stays for the sweep (`left-for-resend`).
 *
 * Idempotency: with a key, the id is derived from the key and the owner, and the conditional put
 * decides between racing requests: of ten requests with one key, one creates the record; the
 * others find it and are a replay (same body: the same id, 202) or a conflict (another body: 409).
 * A replay of a request that stopped before its send completed sends the envelope itself.
 */
export async function submitTasks(
  deps: SubmitDeps,
  owner: string,
  correlationId: string,
  submissions: readonly ValidSubmission[],
): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = new Array(submissions.length);
  const pending: Pending[] = [];
  let bug: { error: unknown } | undefined;

  await mapConcurrently(submissions, PREPARE_CONCURRENCY, async (submission, index) => {
    try {
      const prepared = await prepare(deps, owner, correlationId, submission);
      if ("outcome" in prepared) outcomes[index] = prepared.outcome;
      else pending.push({ index, ...prepared });
    } catch (error) {
      if (!isTransientError(error)) bug ??= { error };
      outcomes[index] = {
        kind: "unavailable",
        detail: `storage is unavailable: ${(error as Error).message}`,
        rollback: "none",
      };
    }
  });
  if (bug) {
    // Not a passing outage: fail the whole request, sending nothing and undoing what was written.
    await mapConcurrently(pending, PREPARE_CONCURRENCY, (item) =>
      item.ours ? rollBack(deps, item.record) : Promise.resolve("none"),
    );
    throw bug.error;
  }

  pending.sort((a, b) => a.index - b.index);
  const failures = await sendEnvelopes(
    deps,
    pending.map((item) => ({ index: item.index, envelope: envelopeOf(item.record) })),
  );

  await mapConcurrently(pending, PREPARE_CONCURRENCY, async (item) => {
    const failure = failures.get(item.index);
    if (failure) {
      const rollback = item.ours ? await rollBack(deps, item.record) : "none";
      outcomes[item.index] = { kind: "unavailable", detail: failure.detail, rollback };
      return;
    }
    await markSent(deps, item.record);
    outcomes[item.index] = {
      kind: "accepted",
      id: item.record.id,
      type: item.record.type,
      replayed: !item.ours,
    };
  });
  return outcomes;
}

/**
 * Writes what one submission needs before its envelope is sent: its large input (if any), then
 * its record. Answers at once when the record exists already (a replay or a conflict).
 */
async function prepare(
  deps: SubmitDeps,
  owner: string,
  correlationId: string,
  submission: ValidSubmission,
): Promise<{ outcome: SubmitOutcome } | { record: TaskRecord; ours: boolean }> {
  const fingerprint = fingerprintSubmission(submission);
  const key = submission.idempotencyKey;
  const id = key === undefined ? newTaskId() : idempotentTaskId(key, owner);
  const input = await storeInput(deps, id, fingerprint, submission);
  const task = {
    id,
    type: submission.type,
    owner,
    input,
    fingerprint,
    correlationId,
    createdAt: deps.now().toISOString(),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  };
  let created: Awaited<ReturnType<TaskRecords["create"]>>;
  try {
    created = await deps.records.create(task);
  } catch (error) {
    // The put may have applied before the error: undo it if so, or the sweep would run a task
    // this request answers 503 for. If this fails too, the sweep sends it: never lost.
    const unsent = { id, unsentSince: task.createdAt };
    if (await deps.records.deleteUnsent(unsent).catch(() => false)) {
      await deps.payloads.deleteInput(input).catch(() => undefined);
    }
    throw error;
  }
  if (created.created) return { record: created.record, ours: true };

  const existing = created.existing;
  if (!existing || existing.fingerprint !== fingerprint) {
    // Another body's input has a key of its own, which no record refers to.
    await deps.payloads.deleteInput(input).catch(() => undefined);
  }
  if (!existing) {
    return {
      outcome: {
        kind: "unavailable",
        detail: "the task record changed while it was being created; retry",
        rollback: "none",
      },
    };
  }
  if (existing.fingerprint !== fingerprint) {
    return {
      outcome: {
        kind: "conflict",
        id: existing.id,
        detail: `Idempotency-Key "${key}" was already used for a different request (task ${existing.id}); use a new key for a new task`,
      },
    };
  }
  // The first request stopped before SQS took its envelope: send it now (a duplicate, if the
  // first one's send went through after all, is absorbed by the consumer).
  if (existing.unsentSince && existing.status === "queued") {
    return { record: existing, ours: false };
  }
  return { outcome: { kind: "accepted", id: existing.id, type: existing.type, replayed: true } };
}

/** The input as the envelope carries it: inline, or stored in the payloads bucket when large. */
async function storeInput(
  deps: SubmitDeps,
  id: string,
  fingerprint: string,
  submission: ValidSubmission,
): Promise<Payload> {
  const bytes = jsonByteLength(submission.input);
  return bytes > deps.inlineInputMaxBytes
    ? deps.payloads.putInput(id, fingerprint, submission.input, bytes)
    : { kind: "inline", value: submission.input };
}

/**
 * Undoes a new task that was not accepted: deletes its record if it is still the one this
 * request created, then its stored input. A rollback that cannot be made leaves the record for
 * the resend sweep.
 */
async function rollBack(deps: SubmitDeps, record: TaskRecord): Promise<Rollback> {
  try {
    if (!(await deps.records.deleteUnsent(record))) return "left-for-resend";
  } catch {
    return "left-for-resend";
  }
  await deps.payloads.deleteInput(record.input).catch(() => undefined);
  return "rolled-back";
}

/**
 * Clears a record's unsent mark once SQS took its envelope. If this write fails the task is
 * still accepted: unless its execution claims it first (which clears the mark too), the resend
 * sweep sends it once more past the lease, a duplicate the consumer absorbs.
 */
export async function markSent(
  deps: Pick<SubmitDeps, "records">,
  record: TaskRecord,
): Promise<void> {
  await deps.records.markSent(record).catch(() => undefined);
}
