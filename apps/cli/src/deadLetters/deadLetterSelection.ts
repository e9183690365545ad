import { type DeadLetterSelection, selectDeadLetters } from "@tasklane/dead-letters";
import { UsageError } from "../errors.js";

/** Which DLQ messages `redrive` and `purge` act on: `--all`, or those of `--id` (task or message ids). */
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
  return selectDeadLetters(options.all ? { all: true } : { ids });
}
