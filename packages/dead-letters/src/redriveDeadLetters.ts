import { randomUUID } from "node:crypto";
import {
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandOutput,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { SQS_MAX_BATCH_ENTRIES } from "@tasklane/shared-task";
import { REDRIVE_ATTRIBUTES, WORK_VISIBILITY_SECONDS } from "./constants.js";
import type { DeadLetter } from "./deadLetterQueue.js";
import { type Clock, rateLimiter } from "./rateLimiter.js";
import { reportOf, sweepDeadLetters } from "./sweepDeadLetters.js";
import type { MessageReport } from "./types.js";

export interface RedriveOptions {
  sqs: SQSClient;
  dlqUrl: string;
  queueUrl: string;
  select: (letter: DeadLetter) => boolean;
  /** The long poll of each receive (see `DeadLetterScan`). */
  waitTimeSeconds?: number;
  /** Report what would be moved, and move nothing. */
  dryRun: boolean;
  /** At most this many messages a second. @default no limit */
  ratePerSecond?: number;
  /** What `ratePerSecond` is kept by. @default the system's clock */
  clock?: Clock;
  signal?: AbortSignal;
  onReport: (report: MessageReport) => void;
}

/** SQS allows ten message attributes a message. */
const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * Moves the selected DLQ messages back to the tasks queue: each is sent, then deleted from the
 * DLQ. A crash between the two leaves it in both queues, never in neither; the pipeline's
 * idempotency (one execution per task generation) absorbs the duplicate. FIFO messages keep their
 * group and get a fresh deduplication id, so SQS does not drop the resend as a duplicate of the
 * original send. A message this run moved that comes back to the DLQ during the run is left there.
 */
export async function redriveDeadLetters(
  options: RedriveOptions,
): Promise<{ interrupted: boolean }> {
  const runId = randomUUID();
  const fifo = options.queueUrl.endsWith(".fifo");
  const chunkSize = options.ratePerSecond
    ? Math.min(SQS_MAX_BATCH_ENTRIES, Math.max(1, Math.floor(options.ratePerSecond)))
    : SQS_MAX_BATCH_ENTRIES;

  return sweepDeadLetters({
    sqs: options.sqs,
    dlqUrl: options.dlqUrl,
    visibilityTimeoutSeconds: WORK_VISIBILITY_SECONDS,
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    select: (letter) => letter.redriveRun !== runId && options.select(letter),
    chunkSize,
    ...(options.ratePerSecond && !options.dryRun
      ? { limiter: rateLimiter(options.ratePerSecond, options.signal, options.clock) }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    act: async (letters, settled) => {
      if (options.dryRun) {
        for (const letter of letters) {
          options.onReport({ ...reportOf(letter), outcome: "would-redrive", ...noteOf(letter) });
        }
        return;
      }
      const entries: SendMessageBatchRequestEntry[] = letters.map((letter, i) => ({
        Id: String(i),
        MessageBody: letter.body,
        MessageAttributes: redriveAttributes(letter, runId),
        ...(fifo
          ? {
              MessageGroupId: letter.groupId ?? letter.taskId ?? letter.messageId,
              MessageDeduplicationId: randomUUID(),
            }
          : {}),
      }));
      const sent = await options.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }),
      );
      const newIds = new Map((sent.Successful ?? []).map((s) => [s.Id, s.MessageId]));
      for (const failure of sent.Failed ?? []) {
        const letter = letters[Number(failure.Id)];
        if (!letter) continue;
        options.onReport({
          ...reportOf(letter),
          outcome: "failed",
          error: `SQS did not take it: ${failure.Code}${failure.Message ? `: ${failure.Message}` : ""}; it stays in the DLQ`,
        });
      }
      const moved = letters
        .map((letter, i) => ({ letter, newMessageId: newIds.get(String(i)) }))
        .filter((m) => m.newMessageId !== undefined);
      if (moved.length === 0) return;

      let deleted: DeleteMessageBatchCommandOutput;
      try {
        deleted = await options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.dlqUrl,
            Entries: moved.map(({ letter }, i) => ({
              Id: String(i),
              ReceiptHandle: letter.receiptHandle,
            })),
          }),
        );
      } catch (error) {
        for (const { letter, newMessageId } of moved) {
          options.onReport({
            ...reportOf(letter),
            outcome: "redriven-not-deleted",
            ...(newMessageId ? { newMessageId } : {}),
            error: `sent, but deleting it from the DLQ failed (${(error as Error).message}): it is in both queues; the second run is absorbed`,
          });
        }
        throw error;
      }
      const notDeleted = new Map((deleted.Failed ?? []).map((f) => [f.Id, f]));
      moved.forEach(({ letter, newMessageId }, i) => {
        const failure = notDeleted.get(String(i));
        if (failure) {
          options.onReport({
            ...reportOf(letter),
            outcome: "redriven-not-deleted",
            ...(newMessageId ? { newMessageId } : {}),
            error: `sent, but not deleted from the DLQ (${failure.Code}): it is in both queues; the second run is absorbed`,
          });
          return;
        }
        settled(letter.messageId);
        options.onReport({
          ...reportOf(letter),
          outcome: "redriven",
          ...(newMessageId ? { newMessageId } : {}),
          ...noteOf(letter),
        });
      });
    },
  });
}

/** The message's own attributes, and how often and by which run it was redriven. */
function redriveAttributes(
  letter: DeadLetter,
  runId: string,
): Record<string, MessageAttributeValue> {
  const own: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(letter.attributes)) {
    if (name === REDRIVE_ATTRIBUTES.count || name === REDRIVE_ATTRIBUTES.run) continue;
    // Only the fields SQS accepts on send (the list values are reserved).
    own[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  if (Object.keys(own).length + 2 > MAX_MESSAGE_ATTRIBUTES) return own;
  return {
    ...own,
    [REDRIVE_ATTRIBUTES.count]: {
      DataType: "Number",
      StringValue: String(letter.redriveCount + 1),
    },
    [REDRIVE_ATTRIBUTES.run]: { DataType: "String", StringValue: runId },
  };
}

function noteOf(letter: DeadLetter): Pick<MessageReport, "note"> {
  return letter.notATask ? { note: "not a task envelope: it will fail again" } : {};
}
