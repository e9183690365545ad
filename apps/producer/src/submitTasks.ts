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

interface Pending {
  index: number;
  record: TaskRecord;
  envelope: TaskEnvelope;
  keyed: boolean;
}

/**
 * Accepts validated submissions: writes each task record, sends the envelopes to SQS in batches
 * of ten, and answers one outcome per submission, in order.
 *
 * Idempotency: with a key, the id is derived from the key and the caller. A replay whose body
 * matches returns the same id and sends nothing once the first request's envelope is in SQS
 * (`enqueuedAt` on the record); a replay after a half-finished first request sends it again,
 * which the consumer absorbs (one execution per task generation). A different body is a conflict.
 * The record is created with `If-None-Match: *`, so of two racing first requests only one writes.
 */
export async function submitTasks(
  deps: SubmitDeps,
  caller: string,
  correlationId: string,
  submissions: readonly ValidSubmission[],
): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = new Array(submissions.length);
  const pending: Pending[] = [];

  await mapConcurrently(submissions, S3_CONCURRENCY, async (submission, index) => {
    const prepared = await prepare(deps, caller, correlationId, submission);
    if ("outcome" in prepared) outcomes[index] = prepared.outcome;
    else pending.push({ index, ...prepared });
  });

  pending.sort((a, b) => a.index - b.index);
  const failures = await sendEnvelopes(deps, pending);

  await mapConcurrently(pending, S3_CONCURRENCY, async (item) => {
    const failure = failures.get(item.index);
    if (failure) {
      // Not accepted: leave nothing behind that looks like a queued task. A keyed record may
      // stay, since a replay of its key resends the envelope.
      if (!item.keyed) await deps.store.deleteRecord(item.record.id).catch(() => undefined);
      outcomes[item.index] = { kind: "unavailable", detail: failure };
      return;
    }
    if (item.keyed) {
      const enqueuedAt = deps.now().toISOString();
      // Best effort: if this write fails the task is still accepted (its envelope is in SQS);
      // a replay would send it once more and the consumer would absorb the duplicate.
      await deps.store
        .putRecord({ ...item.record, enqueuedAt, updatedAt: enqueuedAt })
        .catch(() => undefined);
    }
    outcomes[item.index] = {
      kind: "accepted",
      id: item.record.id,
      type: item.record.type,
      replayed: false,
    };
  });
  return outcomes;
}

async function prepare(
  deps: SubmitDeps,
  caller: string,
  correlationId: string,
  submission: ValidSubmission,
): Promise<
  { outcome: SubmitOutcome } | { record: TaskRecord; envelope: TaskEnvelope; keyed: boolean }
> {
  const fingerprint = fingerprintSubmission(submission);
  const key = submission.idempotencyKey;
  const id = key ? idempotentTaskId(key, caller) : newTaskId();

  for (let attempt = 0; attempt < 2; attempt++) {
    if (key) {
      const existing = await deps.store.getRecord(id);
      if (existing) return replay(existing, fingerprint, key);
    }
    const record = await newRecord(deps, id, submission, fingerprint, caller, correlationId);
    try {
      await Promise.all([
        deps.store.putRecord(record, { create: key !== undefined }),
        deps.store.indexCreated(record),
      ]);
      return { record, envelope: envelopeOf(record), keyed: key !== undefined };
    } catch (error) {
      // Another request with the same key created the record first: answer as its replay.
      if (!(error instanceof ObjectExistsError)) throw error;
    }
  }
  return {
    outcome: {
      kind: "unavailable",
      detail: "the task record changed while it was being created; retry",
    },
  };
}

function replay(
  existing: TaskRecord,
  fingerprint: string,
  key: string,
): { outcome: SubmitOutcome } | { record: TaskRecord; envelope: TaskEnvelope; keyed: boolean } {
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
  return { record: existing, envelope: envelopeOf(existing), keyed: true };
}

async function newRecord(
  deps: SubmitDeps,
  id: string,
  submission: ValidSubmission,
  fingerprint: string,
  caller: string,
  correlationId: string,
): Promise<TaskRecord> {
  const createdAt = deps.now().toISOString();
  const bytes = jsonByteLength(submission.input);
  const input: Payload =
    bytes > deps.inlineInputMaxBytes
      ? await deps.store.putInput(id, submission.input, bytes)
      : { kind: "inline", value: submission.input };
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
