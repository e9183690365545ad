import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  createEnvelope,
  executionName,
  SQS_MAX_BATCH_ENTRIES,
  type TaskEnvelope,
  type TaskRecord,
} from "@tasklane/shared-task";

export interface SendDeps {
  sqs: SQSClient;
  queueUrl: string;
}

/** The envelope of a record's current generation. */
export function envelopeOf(record: TaskRecord): TaskEnvelope {
  return createEnvelope({
    id: record.id,
    type: record.type,
    generation: record.generation,
    createdAt: record.createdAt,
    input: record.input,
    fingerprint: record.fingerprint,
    correlationId: record.correlationId,
    ...(record.groupId ? { groupId: record.groupId } : {}),
  });
}

/**
 * Why a send failed. `refused`: SQS answered that it did not take the message. `ambiguous`: no
 * answer came, so the message may or may not be in the queue.
 */
export interface SendFailure {
  kind: "refused" | "ambiguous";
  detail: string;
}

/**
 * Sends the envelopes in batches of ten. Entries SQS refuses for a passing reason, and batches
 * that got no answer, are tried once more. Returns why each failed item (by index) was not sent.
 */
export async function sendEnvelopes(
  deps: SendDeps,
  items: readonly { index: number; envelope: TaskEnvelope }[],
): Promise<Map<number, SendFailure>> {
  const fifo = deps.queueUrl.endsWith(".fifo");
  const failures = new Map<number, SendFailure>();
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

  for (let start = 0; start < items.length; start += SQS_MAX_BATCH_ENTRIES) {
    let entries = items.slice(start, start + SQS_MAX_BATCH_ENTRIES).map(toEntry);
    let ambiguous = false;
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
            failures.set(Number(failed.Id), {
              // A retried entry whose first try got no answer may be in the queue after all.
              kind: ambiguous ? "ambiguous" : "refused",
              detail: `SQS refused the message: ${failed.Code}: ${failed.Message ?? ""}`.trim(),
            });
        }
        entries = retry;
      } catch (error) {
        ambiguous = true;
        if (round === 1) {
          for (const entry of entries)
            failures.set(Number(entry.Id), {
              kind: "ambiguous",
              detail: `SQS is unavailable: ${(error as Error).message}`,
            });
        }
      }
    }
  }
  return failures;
}
