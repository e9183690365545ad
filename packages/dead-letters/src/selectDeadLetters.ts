import type { DeadLetter } from "./deadLetterQueue.js";
import type { DeadLetterChoice } from "./types.js";

export interface DeadLetterSelection {
  select(letter: DeadLetter): boolean;
  /** The ids asked for that matched no message (so far). */
  notFound(): string[];
}

/**
 * The selection of `choice`: an id matches a message by its task id or its SQS message id, so
 * bodies that are not task envelopes can be named too.
 *
 * @example
 * ```ts
 * const selection = selectDeadLetters({ ids: [taskId] });
 * await redriveDeadLetters({ sqs, dlqUrl, queueUrl, select: selection.select, dryRun: false, onReport });
 * console.log(selection.notFound()); // [] when the task's message was in the DLQ
 * ```
 */
export function selectDeadLetters(choice: DeadLetterChoice): DeadLetterSelection {
  if ("all" in choice) return { select: () => true, notFound: () => [] };
  const wanted = new Set(choice.ids);
  const found = new Set<string>();
  return {
    select(letter) {
      for (const id of [letter.taskId, letter.messageId]) {
        if (id && wanted.has(id)) {
          found.add(id);
          return true;
        }
      }
      return false;
    },
    notFound: () => [...wanted].filter((id) => !found.has(id)),
  };
}
