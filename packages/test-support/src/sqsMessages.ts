import { randomUUID } from "node:crypto";
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { batchVerdict, settleBatch, toSqsRecord } from "@tasklane/emulators";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** A queue as the event source mapping reads it. */
export interface EventSourceQueue {
  queueUrl: string;
  queueArn: string;
  region: string;
}

/**
 * Sends the messages in this order, ten per `SendMessageBatch`. On a FIFO queue each goes to its
 * `groupId` with a deduplication id of its own, so equal bodies are still two messages.
 */
export async function sendMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly { body: string; groupId?: string }[],
): Promise<void> {
  const fifo = queueUrl.endsWith(".fifo");
  for (let start = 0; start < messages.length; start += 10) {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(start, start + 10).map((message, i) => ({
          Id: String(i),
          MessageBody: message.body,
          ...(fifo
            ? { MessageGroupId: message.groupId ?? "default", MessageDeduplicationId: randomUUID() }
            : {}),
        })),
      }),
    );
    if (out.Failed?.length) {
      throw new Error(`SQS refused ${out.Failed.length} message(s): ${out.Failed[0]?.Message}`);
    }
  }
}

/**
 * Receives up to `max` messages (hiding them for the queue's visibility timeout) and shapes them
 * into the SQS event Lambda's event source mapping would deliver, system attributes included,
 * with the local runtime's own record shape.
 */
export async function receiveSqsEvent(
  sqs: SQSClient,
  queue: EventSourceQueue,
  max = 10,
): Promise<SQSEvent> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return { Records: (out.Messages ?? []).map((m) => toSqsRecord(m, queue)) };
}

/**
 * Does what the event source mapping does with a partial batch response (the local runtime's
 * settlement): deletes every record not listed in `batchItemFailures`, so only the failures come
 * back after the visibility timeout; a response Lambda could not read fails the whole batch.
 * Returns the ids of the messages deleted.
 */
export async function settleSqsBatch(
  sqs: SQSClient,
  queueUrl: string,
  event: SQSEvent,
  response: SQSBatchResponse,
): Promise<string[]> {
  const ids = event.Records.map((r) => r.messageId);
  const { deleted, refused } = await settleBatch(
    sqs,
    queueUrl,
    event.Records,
    batchVerdict(response, ids),
  );
  if (refused.length > 0) {
    throw new Error(`SQS refused to delete ${refused.length} message(s) of the batch`);
  }
  return deleted;
}
