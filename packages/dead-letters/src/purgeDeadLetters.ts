import { DeleteMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { WORK_VISIBILITY_SECONDS } from "./constants.js";
import type { DeadLetter } from "./deadLetterQueue.js";
import { reportOf, sweepDeadLetters } from "./sweepDeadLetters.js";
import type { MessageReport } from "./types.js";

export interface PurgeOptions {
  sqs: SQSClient;
  dlqUrl: string;
  select: (letter: DeadLetter) => boolean;
  /** The long poll of each receive (see `DeadLetterScan`). */
  waitTimeSeconds?: number;
  signal?: AbortSignal;
  onReport: (report: MessageReport) => void;
}

/**
 * Deletes the selected messages from the DLQ, for good. Unlike SQS's PurgeQueue it reports each
 * message, can keep some (`select`), and does not touch messages that arrive while it runs
 * after it has gone through the queue.
 */
export async function purgeDeadLetters(options: PurgeOptions): Promise<{ interrupted: boolean }> {
  return sweepDeadLetters({
    sqs: options.sqs,
    dlqUrl: options.dlqUrl,
    visibilityTimeoutSeconds: WORK_VISIBILITY_SECONDS,
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    select: options.select,
    ...(options.signal ? { signal: options.signal } : {}),
    act: async (letters, settled) => {
      const out = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.dlqUrl,
          Entries: letters.map((letter, i) => ({
            Id: String(i),
            ReceiptHandle: letter.receiptHandle,
          })),
        }),
      );
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      letters.forEach((letter, i) => {
        const failure = failed.get(String(i));
        if (failure) {
          options.onReport({
            ...reportOf(letter),
            outcome: "failed",
            error: `not deleted: ${failure.Code}${failure.Message ? `: ${failure.Message}` : ""}`,
          });
          return;
        }
        settled(letter.messageId);
        options.onReport({ ...reportOf(letter), outcome: "deleted" });
      });
    },
  });
}
