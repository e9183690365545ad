import {
  type BatchResultErrorEntry,
  DeleteMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { SQS_MAX_BATCH_ENTRIES } from "@tasklane/shared-task";

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

/** A received message as a batch settles it. */
export interface SettledRecord {
  messageId: string;
  receiptHandle: string;
}

/** What settling a batch did: the ids deleted, and the entries SQS refused to delete. */
export interface BatchSettlement {
  deleted: string[];
  refused: BatchResultErrorEntry[];
}

/**
 * Does what the event source mapping does once a function answered: deletes every record of the
 * batch the verdict does not fail (`SQS_MAX_BATCH_ENTRIES` per `DeleteMessageBatch`), so only
 * the failures come back, after their visibility timeout. A thrown SQS error propagates.
 */
export async function settleBatch(
  sqs: SQSClient,
  queueUrl: string,
  records: readonly SettledRecord[],
  verdict: Pick<BatchVerdict, "failed">,
): Promise<BatchSettlement> {
  const done = records.filter((r) => !verdict.failed.has(r.messageId));
  const refused: BatchResultErrorEntry[] = [];
  for (let start = 0; start < done.length; start += SQS_MAX_BATCH_ENTRIES) {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.slice(start, start + SQS_MAX_BATCH_ENTRIES).map((r, i) => ({
          Id: String(i),
          ReceiptHandle: r.receiptHandle,
        })),
      }),
    );
    refused.push(...(out.Failed ?? []));
  }
  return { deleted: done.map((r) => r.messageId), refused };
}
