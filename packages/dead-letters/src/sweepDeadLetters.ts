import type { SQSClient } from "@aws-sdk/client-sqs";
import { type DeadLetter, DeadLetterScan } from "./deadLetterQueue.js";
import type { RateLimiter } from "./rateLimiter.js";
import type { MessageReport } from "./types.js";

export interface SweepOptions {
  sqs: SQSClient;
  dlqUrl: string;
  visibilityTimeoutSeconds: number;
  /** The long poll of each receive (see `DeadLetterScan`). */
  waitTimeSeconds?: number;
  /** The messages to act on; the others are left as they were. */
  select: (letter: DeadLetter) => boolean;
  /** Acts on up to `chunkSize` selected messages; calls `settled` for each that left the DLQ. */
  act: (letters: DeadLetter[], settled: (messageId: string) => void) => Promise<void>;
  /** @default 10 */
  chunkSize?: number;
  limiter?: RateLimiter;
  signal?: AbortSignal;
}

/**
 * Goes through the whole DLQ once, acting on the selected messages a chunk at a time. Messages
 * it does not act on (or fails to) are made visible again at the end, whatever happens; on
 * abort it finishes the chunk in hand and stops. Resolves whether it was interrupted.
 */
export async function sweepDeadLetters(options: SweepOptions): Promise<{ interrupted: boolean }> {
  const scan = new DeadLetterScan(
    options.sqs,
    options.dlqUrl,
    options.visibilityTimeoutSeconds,
    options.waitTimeSeconds,
  );
  const chunkSize = options.chunkSize ?? 10;
  const aborted = () => options.signal?.aborted === true;
  try {
    for (;;) {
      if (aborted()) return { interrupted: true };
      const letters = await scan.next();
      if (!letters) return { interrupted: false };
      const selected = letters.filter(options.select);
      for (let start = 0; start < selected.length; start += chunkSize) {
        const chunk = selected.slice(start, start + chunkSize);
        if (aborted() || (options.limiter && !(await options.limiter.take(chunk.length)))) {
          return { interrupted: true };
        }
        await options.act(chunk, (id) => scan.settled(id));
      }
    }
  } finally {
    await scan.release();
  }
}

/** The report's fields that name the message and its task. */
export function reportOf(letter: DeadLetter): Pick<MessageReport, "messageId" | "taskId" | "type"> {
  return {
    messageId: letter.messageId,
    ...(letter.taskId ? { taskId: letter.taskId } : {}),
    ...(letter.type ? { type: letter.type } : {}),
  };
}
