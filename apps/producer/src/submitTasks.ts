import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  createEnvelope,
  executionName,
  fingerprintSubmission,
  idempotentTaskId,
  isTransientError,
  jsonByteLength,
  newTaskId,
  type Payload,
  type TaskEnvelope,
  type TaskRecord,
} from "@tasklane/shared-task";
import { ObjectExistsError, type TaskStore } from "@tasklane/task-store";
import { mapConcurrently } from "./mapConcurrently.js";
import type { ValidSubmission } from "./validateSubmission.js";

/** SQS takes at most ten messages per SendMessageBatch. */
const SQS_BATCH_SIZE = 10;
/** Submissions prepared at once: each makes two or three S3 requests. */
const S3_CONCURRENCY = 16;

export interface SubmitDeps {
  store: TaskStore;
  sqs: SQSClient;
  queueUrl: string;
  /** Inputs whose JSON is larger than this go to the payloads bucket. */
  inlineInputMaxBytes: number;
  now(): Date;
}

export type SubmitOutcome =
  | { kind: "accepted"; id: string; type: string; replayed: boolean }
  | { kind: "conflict"; id: string; detail: string }
  | { kind: "unavailable"; detail: string };

interface Prepared {
  record: TaskRecord;
  envelope: TaskEnvelope;
  keyed: boolean;
}

interface Pending extends Prepared {
  index: number;
}

/**
 * Accepts validated submissions: writes each task record, sends the envelopes to SQS in batches
 * of ten, and answers one outcome per submission, in order.
 *
 * Nothing refused is left looking like a task. Without a key, a submission SQS or S3 refused
 * has its record, index entry and stored input deleted (best effort). With a key, the record
 * stays so that a replay of the key finds its id and sends it; it has no `enqueuedAt`, so the
 * API does not show it until then (see task-store's `readTaskView`).
 *
 * Idempotency: with a key, the id is derived from the key and the caller. A replay whose body
 * matches returns the same id and sends nothing once the first request's envelope is in SQS
 * (`enqueuedAt` on the record); a replay after a half-finished first request sends it again,
 * which the consumer absorbs (one execution per task generation). A different body is a conflict.
 * On AWS the record is created with `If-None-Match: *`, so of two racing first requests only one
 * writes it; emulators that ignore conditional writes let the second overwrite it. Either way
 * each body's large input has an object of its own, so a request that loses can never replace
 * the accepted task's input.
 */
export async function submitTasks(
  deps: SubmitDeps,
  caller: string,
  correlationId: string,
  submissions: readonly ValidSubmission[],
): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = new Array(submissions.length);
  const pending: Pending[] = [];
  let bug: { error: unknown } | undefined;

  await mapConcurrently(submissions, S3_CONCURRENCY, async (submission, index) => {
    try {
      const prepared = await prepare(deps, caller, correlationId, submission);
      if ("outcome" in prepared) outcomes[index] = prepared.outcome;
      else pending.push({ index, ...prepared });
    } catch (error) {
      if (!isTransientError(error)) bug ??= { error };
      outcomes[index] = {
        kind: "unavailable",
        detail: `S3 is unavailable: ${(error as Error).message}`,
      };
    }
  });
  if (bug) {
    // Not a passing outage: fail the whole request, sending nothing and undoing what was written.
    await mapConcurrently(pending, S3_CONCURRENCY, (item) =>
      item.keyed ? Promise.resolve() : rollBack(deps.store, item.record),
    );
    throw bug.error;
  }

  pending.sort((a, b) => a.index - b.index);
  const failures = await sendEnvelopes(deps, pending);

  await mapConcurrently(pending, S3_CONCURRENCY, async (item) => {
    const failure = failures.get(item.index);
    if (failure) {
      if (!item.keyed) await rollBack(deps.store, item.record);
      outcomes[item.index] = { kind: "unavailable", detail: failure };
      return;
    }
    if (item.keyed) await recordEnqueued(deps, item.record);
    outcomes[item.index] = {
      kind: "accepted",
      id: item.record.id,
      type: item.record.type,
      replayed: false,
    };
  });
  return outcomes;
}

/**
 * Writes what one submission needs before its envelope is sent: its large input (if any), then
 * its record, then its index entry, so nothing written refers to something not yet written.
 * When it throws, it has left nothing of a new task behind (best effort).
 */
async function prepare(
  deps: SubmitDeps,
  caller: string,
  correlationId: string,
  submission: ValidSubmission,
): Promise<{ outcome: SubmitOutcome } | Prepared> {
  const fingerprint = fingerprintSubmission(submission);
  const key = submission.idempotencyKey;
  if (key === undefined) {
    // A new id: no other request can race for this record.
    const id = newTaskId();
    const input = await storeInput(deps, id, fingerprint, submission);
    const record = newRecord(deps, id, submission, fingerprint, caller, correlationId, input);
    const writes = await Promise.allSettled([
      deps.store.putRecord(record),
      deps.store.indexCreated(record),
    ]);
    const failed = writes.find((write) => write.status === "rejected");
    if (failed) {
      await rollBack(deps.store, record);
      throw failed.reason;
    }
    return { record, envelope: envelopeOf(record), keyed: false };
  }

  const id = idempotentTaskId(key, caller);
  const existing = await deps.store.getRecord(id);
  if (existing) return replay(deps, existing, fingerprint, key);
  const input = await storeInput(deps, id, fingerprint, submission);
  const record = newRecord(deps, id, submission, fingerprint, caller, correlationId, input);
  try {
    await deps.store.putRecord(record, { create: true });
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
    // Another request with the same key created the record first: answer as its replay. A
    // different body stored its input under another key, which no record refers to now.
    const winner = await deps.store.getRecord(id);
    if (winner && winner.fingerprint !== fingerprint) {
      await deps.store.deleteInput(input).catch(() => undefined);
    }
    if (!winner) {
      return {
        outcome: {
          kind: "unavailable",
          detail: "the task record changed while it was being created; retry",
        },
      };
    }
    return replay(deps, winner, fingerprint, key);
  }
  await deps.store.indexCreated(record);
  return { record, envelope: envelopeOf(record), keyed: true };
}

async function replay(
  deps: SubmitDeps,
  existing: TaskRecord,
  fingerprint: string,
  key: string,
): Promise<{ outcome: SubmitOutcome } | Prepared> {
  if (existing.fingerprint !== fingerprint) {
    return {
      outcome: {
        kind: "conflict",
        id: existing.id,
        detail: `Idempotency-Key "${key}" was already used for a different request (task ${existing.id}); use a new key for a new task`,
      },
    };
  }
  if (existing.enqueuedAt) {
    return { outcome: { kind: "accepted", id: existing.id, type: existing.type, replayed: true } };
  }
  // The first request stopped before its envelope was in SQS: finish its work. Its input was
  // stored before the record; its index entry may not have been.
  await deps.store.indexCreated(existing);
  return { record: existing, envelope: envelopeOf(existing), keyed: true };
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
    ? deps.store.putInput(id, fingerprint, submission.input, bytes)
    : { kind: "inline", value: submission.input };
}

function newRecord(
  deps: SubmitDeps,
  id: string,
  submission: ValidSubmission,
  fingerprint: string,
  caller: string,
  correlationId: string,
  input: Payload,
): TaskRecord {
  const createdAt = deps.now().toISOString();
  return {
    v: 1,
    id,
    type: submission.type,
    generation: 1,
    createdAt,
    updatedAt: createdAt,
    input,
    fingerprint,
    correlationId,
    caller,
    ...(submission.idempotencyKey ? { idempotencyKey: submission.idempotencyKey } : {}),
  };
}

/**
 * Undoes a new task that was not accepted (best effort): the record first, so that if its
 * deletion fails nothing it refers to is gone; then its index entry and its stored input.
 */
async function rollBack(store: TaskStore, record: TaskRecord): Promise<void> {
  try {
    await store.deleteRecord(record.id);
  } catch {
    return;
  }
  await Promise.allSettled([store.deleteCreatedIndex(record), store.deleteInput(record.input)]);
}

/**
 * Stamps `enqueuedAt` on a keyed task's record once its envelope is in SQS, so that a replay of
 * its key answers without sending it again. Best effort: if this write fails the task is still
 * accepted, and a replay would send it once more, a duplicate the consumer absorbs.
 */
export async function recordEnqueued(
  deps: Pick<SubmitDeps, "store" | "now">,
  record: TaskRecord,
): Promise<void> {
  const enqueuedAt = deps.now().toISOString();
  await deps.store
    .putRecord({ ...record, enqueuedAt, updatedAt: enqueuedAt })
    .catch(() => undefined);
}

/** The envelope of a record's current generation. */
export function envelopeOf(record: TaskRecord, createdAt: string = record.createdAt): TaskEnvelope {
  return createEnvelope({
    id: record.id,
    type: record.type,
    generation: record.generation,
    createdAt,
    input: record.input,
    fingerprint: record.fingerprint,
    correlationId: record.correlationId,
    ...(record.groupId ? { groupId: record.groupId } : {}),
  });
}

/**
 * Sends the envelopes in batches of ten. Entries SQS refuses for a passing reason are tried once
 * more. Returns why each failed submission (by index) could not be sent.
 */
export async function sendEnvelopes(
  deps: Pick<SubmitDeps, "sqs" | "queueUrl">,
  items: readonly { index: number; envelope: TaskEnvelope }[],
): Promise<Map<number, string>> {
  const fifo = deps.queueUrl.endsWith(".fifo");
  const failures = new Map<number, string>();
  const toEntry = ({
    index,
    envelope,
  }: {
    index: number;
    envelope: TaskEnvelope;
  }): SendMessageBatchRequestEntry => ({
    Id: String(index),
    MessageBody: JSON.stringify(envelope),
    ...(fifo
      ? {
          MessageGroupId: envelope.groupId ?? envelope.id,
          // One generation of one task is one message, whoever sends it.
          MessageDeduplicationId: executionName(envelope.id, envelope.generation),
        }
      : {}),
  });

  for (let start = 0; start < items.length; start += SQS_BATCH_SIZE) {
    let entries = items.slice(start, start + SQS_BATCH_SIZE).map(toEntry);
    for (let round = 0; round < 2 && entries.length > 0; round++) {
      try {
        const out = await deps.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: entries }),
        );
        const retry: SendMessageBatchRequestEntry[] = [];
        for (const failed of out.Failed ?? []) {
          const entry = entries.find((e) => e.Id === failed.Id);
          if (entry && !failed.SenderFault && round === 0) retry.push(entry);
          else
            failures.set(
              Number(failed.Id),
              `SQS refused the message: ${failed.Code}: ${failed.Message ?? ""}`.trim(),
            );
        }
        entries = retry;
      } catch (error) {
        if (round === 1) {
          for (const entry of entries)
            failures.set(Number(entry.Id), `SQS is unavailable: ${(error as Error).message}`);
        }
      }
    }
  }
  return failures;
}
