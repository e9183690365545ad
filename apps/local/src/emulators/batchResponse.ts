/** Which messages of a batch go back to the queue, and why the whole batch did, if it did. */
export interface BatchVerdict {
  failed: ReadonlySet<string>;
  /** Set when the response made the whole batch a failure. */
  invalid?: string;
}

/**
 * Reads a function's partial batch response (`ReportBatchItemFailures`) the way Lambda does:
 * no response, no `batchItemFailures` or an empty list is a complete success; each listed
 * `itemIdentifier` is a failed message; and a response Lambda cannot read (not an object, an
 * item without a string `itemIdentifier`, or one naming a message not in the batch) fails the
 * whole batch.
 */
export function batchVerdict(response: unknown, messageIds: readonly string[]): BatchVerdict {
  const all = new Set(messageIds);
  const invalid = (reason: string): BatchVerdict => ({ failed: all, invalid: reason });
  if (response === null || response === undefined) return { failed: new Set() };
  if (typeof response !== "object" || Array.isArray(response)) {
    return invalid("the response is not a partial batch response object");
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { failed: new Set() };
  if (!Array.isArray(failures)) return invalid("`batchItemFailures` is not a list");
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id === "") {
      return invalid("an item of `batchItemFailures` has no `itemIdentifier`");
    }
    if (!all.has(id)) return invalid(`\`itemIdentifier\` ${id} is not a message of the batch`);
    failed.add(id);
  }
  return { failed };
}
