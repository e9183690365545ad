import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { parseEnvelope, SQS_MAX_BATCH_ENTRIES } from "@tasklane/shared-task";
import { RECEIVE_WAIT_SECONDS, REDRIVE_ATTRIBUTES } from "./constants.js";
import type { DeadLetterJson, QueueDepth } from "./types.js";

/** A message of the DLQ, with what SQS needs to act on it. */
export interface DeadLetter extends DeadLetterJson {
  receiptHandle: string;
  attributes: Record<string, MessageAttributeValue>;
}

/** The dead letter as `--json` prints it and the console shows it. */
export function deadLetterJson(letter: DeadLetter): DeadLetterJson {
  const { receiptHandle, attributes, ...shown } = letter;
  return shown;
}

/** The SQS message as a dead letter: its envelope read, tolerating bodies that are not one. */
export function toDeadLetter(message: Message): DeadLetter {
  const attributes = message.Attributes ?? {};
  const messageAttributes = message.MessageAttributes ?? {};
  const body = message.Body ?? "";
  const letter: DeadLetter = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body,
    // SQS counted this receive too.
    preview: body,
    receiveCount: Math.max(0, Number(attributes.ApproximateReceiveCount ?? 1) - 1),
    redriveCount: Number(messageAttributes[REDRIVE_ATTRIBUTES.count]?.StringValue ?? 0) || 0,
    attributes: messageAttributes,
  };
  try {
    const envelope = parseEnvelope(body);
    letter.taskId = envelope.id;
    letter.type = envelope.type;
    letter.generation = envelope.generation;
    const { input } = envelope;
    letter.preview =
      input.kind === "inline"
        ? `input ${JSON.stringify(input.value) ?? "null"}`
        : `input in s3://${input.bucket}/${input.key} (${input.bytes} bytes)`;
  } catch (error) {
    letter.notATask = (error as Error).message;
  }
  const first = timestamp(attributes.ApproximateFirstReceiveTimestamp);
  const sent = timestamp(attributes.SentTimestamp);
  if (first) letter.firstFailureAt = first;
  if (sent) letter.sentAt = sent;
  if (attributes.MessageGroupId) letter.groupId = attributes.MessageGroupId;
  const run = messageAttributes[REDRIVE_ATTRIBUTES.run]?.StringValue;
  if (run) letter.redriveRun = run;
  return letter;
}

/**
 * Reads through a queue: each `next()` receives messages not seen yet in this scan, hidden for
 * `visibilityTimeoutSeconds` so the scan does not see them twice. Whatever is received and not
 * `settled` (deleted or moved) is made visible again by `release()`, which callers run in a
 * `finally`: a scan never consumes a message by accident, and if the process dies the messages
 * come back on their own after the timeout.
 */
export class DeadLetterScan {
  /** Message id -> the latest receipt handle, for what must be made visible again. */
  private readonly outstanding = new Map<string, string>();
  private readonly seen = new Set<string>();

  /**
   * @param waitTimeSeconds the long poll of each receive: `RECEIVE_WAIT_SECONDS` for SQS, where a
   *   short poll samples only some servers; 0 for a local emulator, which answers exactly.
   */
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    private readonly visibilityTimeoutSeconds: number,
    private readonly waitTimeSeconds: number = RECEIVE_WAIT_SECONDS,
  ) {}

  /** The next messages not seen in this scan; `undefined` once none is left. */
  async next(): Promise<DeadLetter[] | undefined> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: SQS_MAX_BATCH_ENTRIES,
        VisibilityTimeout: this.visibilityTimeoutSeconds,
        WaitTimeSeconds: this.waitTimeSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const fresh: DeadLetter[] = [];
    for (const message of out.Messages ?? []) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      this.outstanding.set(message.MessageId, message.ReceiptHandle);
      if (this.seen.has(message.MessageId)) continue;
      this.seen.add(message.MessageId);
      fresh.push(toDeadLetter(message));
    }
    // Only messages seen before: their timeout ran out during the scan, which has come round.
    return fresh.length > 0 ? fresh : undefined;
  }

  /** The message left the queue: there is nothing to make visible again. */
  settled(messageId: string): void {
    this.outstanding.delete(messageId);
  }

  /** Makes every message received and not settled visible again, at once. */
  async release(): Promise<void> {
    const entries = [...this.outstanding.values()];
    this.outstanding.clear();
    for (let start = 0; start < entries.length; start += SQS_MAX_BATCH_ENTRIES) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: entries.slice(start, start + SQS_MAX_BATCH_ENTRIES).map((receiptHandle, i) => ({
            Id: String(i),
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      // A failed entry holds a stale handle: that message is visible again already.
    }
  }
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(out.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** The queue's name, the last part of its URL. */
export function queueName(queueUrl: string): string {
  return queueUrl.replace(/\/+$/, "").split("/").pop() ?? queueUrl;
}

function timestamp(epochMs: string | undefined): string | undefined {
  if (!epochMs) return undefined;
  const date = new Date(Number(epochMs));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
