import type { SQSClient } from "@aws-sdk/client-sqs";
import { PEEK_VISIBILITY_SECONDS } from "./constants.js";
import { type DeadLetter, DeadLetterScan } from "./deadLetterQueue.js";

export interface PeekOptions {
  /** Read at most this many messages. */
  limit: number;
  /** The long poll of each receive (see `DeadLetterScan`). */
  waitTimeSeconds?: number;
}

/**
 * Up to `limit` messages of the DLQ, peeked at and not consumed: each is received with a short
 * visibility timeout and made visible again as soon as the scan ends. `more` says the queue
 * held messages past `limit`. Every peek counts as a receive in SQS's `ApproximateReceiveCount`.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  options: PeekOptions,
): Promise<{ letters: DeadLetter[]; more: boolean }> {
  const scan = new DeadLetterScan(sqs, dlqUrl, PEEK_VISIBILITY_SECONDS, options.waitTimeSeconds);
  const letters: DeadLetter[] = [];
  try {
    while (letters.length < options.limit) {
      const batch = await scan.next();
      if (!batch) break;
      letters.push(...batch);
    }
  } finally {
    await scan.release();
  }
  return { letters: letters.slice(0, options.limit), more: letters.length > options.limit };
}
