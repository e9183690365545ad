import type { DeadLetter } from "./deadLetterQueue.js";
import { UsageError } from "./errors.js";

/** Which DLQ messages `redrive` and `purge` act on: `--all`, or those of `--id` (task or message ids). */
export interface DeadLetterSelection {
  select(letter: DeadLetter): boolean;
  /** The ids given with `--id` that matched no message. */
  notFound(): string[];
}

export function deadLetterSelection(
  options: { id?: string[]; all?: boolean },
  command: string,
): DeadLetterSelection {
  const ids = options.id ?? [];
  if (options.all && ids.length > 0) {
    throw new UsageError(`${command}: give either --id or --all, not both`);
  }
  if (!options.all && ids.length === 0) {
    throw new UsageError(`${command} needs the messages to act on: --id <id...> or --all`, {
      fix: "`tasklane dlq list` shows the ids (a task id, or a message id for bodies that are not tasks)",
    });
  }
  const wanted = new Set(ids);
  const found = new Set<string>();
  return {
    select(letter) {
      if (options.all) return true;
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
