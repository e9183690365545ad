import { TasklaneError } from "../errors.js";
import { isTaskId } from "./taskIds.js";

/**
 * The layout of the stack's tasks table: one item per task, keyed by its id. The Pulumi program
 * deploys it from this object and the local runtime creates it in dynalite from the same one,
 * so the two can never disagree on a key, an index or the TTL attribute.
 *
 * Listing is by index (keys only), newest or oldest first within a partition:
 * - `byOwner`: one caller's tasks (`ownerShard` = `<owner>#<shard>`), for `GET /tasks`;
 * - `byTime`: every caller's tasks by day (`dayShard` = `<YYYY-MM-DD>#<shard>`), for operators;
 * - `unsent`: a sparse index of records whose envelope may not have reached SQS yet
 *   (`unsentShard` = `<shard>`), which the resend sweep reads.
 *
 * Each partition key carries one of `listShards` shards (from the task id), because a GSI
 * partition takes about 1,000 writes per second: unsharded, one busy owner (or one day) would
 * cap the whole stack near 1,000 tasks per second. Readers query every shard and merge.
 */
export const TASK_TABLE = {
  partitionKey: "id",
  /** Epoch seconds after which DynamoDB may delete a finished task (`storage.resultExpirationDays`). */
  ttlAttribute: "expiresAt",
  listShards: 8,
  indexes: {
    byOwner: { name: "byOwner", partitionKey: "ownerShard", sortKey: "listKey" },
    byTime: { name: "byTime", partitionKey: "dayShard", sortKey: "listKey" },
    unsent: { name: "unsent", partitionKey: "unsentShard", sortKey: "unsentSince" },
  },
  /**
   * What a listing reads of each task, by `BatchGetItem` on the keys the listing indexes give:
   * what `GET /tasks` shows (no input, the output only when small). The indexes themselves
   * project only their keys, which never change, so a task writes each index once, when it is
   * created, however many times its status changes.
   */
  listAttributes: [
    "id",
    "type",
    "owner",
    "status",
    "generation",
    "attempts",
    "createdAt",
    "updatedAt",
    "startedAt",
    "finishedAt",
    "error",
    "listOutput",
    "outputLocation",
    "listKey",
  ],
} as const;

export type TaskIndexName = keyof typeof TASK_TABLE.indexes;

/** The key attributes of the table and its indexes; all are strings. */
export const TASK_TABLE_KEY_ATTRIBUTES = [
  TASK_TABLE.partitionKey,
  ...new Set(
    Object.values(TASK_TABLE.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
  ),
] as const;

/**
 * The table as DynamoDB's `CreateTable` takes it (on-demand), for the local runtime and tests;
 * the Pulumi program maps the same layout onto `aws.dynamodb.Table`.
 */
export function taskTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: TASK_TABLE_KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [{ AttributeName: TASK_TABLE.partitionKey, KeyType: "HASH" as const }],
    GlobalSecondaryIndexes: Object.values(TASK_TABLE.indexes).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        { AttributeName: index.sortKey, KeyType: "RANGE" as const },
      ],
      // Keys only: an index is written when a key attribute changes, and a task's never do
      // (but `unsent`'s, which come and go with the mark).
      Projection: { ProjectionType: "KEYS_ONLY" as const },
    })),
  };
}

/** The shard of a task, from the last hex digits of its id (uniform for UUIDv4 and v5). */
export function listShardOf(taskId: string): number {
  if (!isTaskId(taskId)) throw new TasklaneError(`not a task id: ${JSON.stringify(taskId)}`);
  return Number.parseInt(taskId.slice(-4), 16) % TASK_TABLE.listShards;
}

/** Every shard number, for readers that merge them. */
export const LIST_SHARD_NUMBERS: readonly number[] = Array.from(
  { length: TASK_TABLE.listShards },
  (_, shard) => shard,
);

/** Sort key of both listing indexes: creation time, then id, so equal times stay in order. */
export function listKeyOf(createdAt: string, taskId: string): string {
  return `${new Date(createdAt).toISOString()}#${taskId}`;
}

export function ownerShardKey(owner: string, shard: number): string {
  return `${owner}#${shard}`;
}

/** The UTC day of a timestamp, as `byTime` partitions by. */
export function dayOf(timestamp: string | Date): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

export function dayShardKey(day: string, shard: number): string {
  return `${day}#${shard}`;
}

/** The UTC days from `since` to `until`, oldest first: the `byTime` partitions a listing reads. */
export function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  const start = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  for (let at = start; at <= until.getTime(); at += 86_400_000) days.push(dayOf(new Date(at)));
  return days;
}
