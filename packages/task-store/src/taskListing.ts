import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  dayShardKey,
  daysBetween,
  LIST_SHARD_NUMBERS,
  ownerShardKey,
  type Payload,
  TASK_TABLE,
  type TaskErrorInfo,
  type TaskHeadline,
  type TaskStatus,
} from "@tasklane/shared-task";
import { batchGetItems } from "./batchGetItems.js";
import type { Actor } from "./taskRecords.js";

export interface ListQuery {
  /** Tasks created at or after this time. */
  since: Date;
  statuses?: readonly TaskStatus[] | undefined;
  type?: string | undefined;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** `oldest` first (the default), or `newest` first. */
  order?: "oldest" | "newest" | undefined;
}

/** A task as the listing indexes project it: no input, and its output only when small. */
export interface ListedTask extends TaskHeadline {
  owner: string;
  error?: TaskErrorInfo;
  /** The output, when it is small enough to list (see `LIST_OUTPUT_MAX_BYTES`). */
  output?: Payload;
  outputLocation?: { bucket: string; key: string; bytes: number };
  /** Where this item sits in the listing order; `cursorAfter` turns it into a cursor. */
  listKey: string;
}

export interface ListPage {
  tasks: ListedTask[];
  /** Set when the listing may go on past the last task of this page. */
  nextCursor?: string;
}

export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
}

/** The cursor that continues a listing after the task at `listKey`. */
export function cursorAfter(listKey: string): string {
  return Buffer.from(listKey, "utf8").toString("base64url");
}

function listKeyOfCursor(cursor: string): string {
  const listKey = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}$/.test(listKey)) {
    throw new InvalidCursorError("is not a cursor this API returned");
  }
  return listKey;
}

/** A task's place in a listing index: what the keys-only indexes hold. */
interface ListEntry {
  id: string;
  listKey: string;
}

interface PartitionPage {
  items: ListEntry[];
  /** The last key the partition's query read, when it has more. */
  readTo?: string;
}

interface KeyPage {
  entries: ListEntry[];
  nextCursor?: string;
}

/** Key pages one listing reads at most while a filter keeps too few tasks to fill its page. */
const MAX_KEY_PAGES = 5;

/**
 * Tasks created since `query.since`, oldest or newest first: an owner's from `byOwner`, or
 * everyone's (for an operator) from `byTime`, one day at a time. The indexes give the keys (one
 * query per shard, merged); the tasks themselves come by `BatchGetItem`, and the status and type
 * filters apply to them. A filter that keeps few tasks reads a few more key pages to fill the
 * page, and a page may still hold fewer than `limit`: `nextCursor` goes on.
 */
export async function listTaskRecords(
  db: DynamoDBDocumentClient,
  tableName: string,
  actor: Actor,
  query: ListQuery,
  now: Date = new Date(),
): Promise<ListPage> {
  const tasks: ListedTask[] = [];
  let cursor = query.cursor;
  for (let round = 0; round < MAX_KEY_PAGES; round++) {
    const page = await listKeys(db, tableName, actor, { ...query, cursor }, now);
    const items = await batchGetItems(
      db,
      tableName,
      page.entries.map((entry) => entry.id),
      { attributes: TASK_TABLE.listAttributes },
    );
    tasks.push(...items.map(listedTaskOf).filter((task) => matches(task, query)));
    cursor = page.nextCursor;
    if (cursor === undefined || tasks.length >= query.limit) break;
  }
  if (tasks.length > query.limit) {
    const kept = tasks.slice(0, query.limit);
    return { tasks: kept, nextCursor: cursorAfter(kept.at(-1)?.listKey as string) };
  }
  return cursor === undefined ? { tasks } : { tasks, nextCursor: cursor };
}

function matches(task: ListedTask, query: ListQuery): boolean {
  if (query.statuses?.length && !query.statuses.includes(task.status)) return false;
  return query.type === undefined || task.type === query.type;
}

/** One page of listing keys, merged across the shards of the partitions it reads. */
async function listKeys(
  db: DynamoDBDocumentClient,
  tableName: string,
  actor: Actor,
  query: ListQuery,
  now: Date,
): Promise<KeyPage> {
  const newest = query.order === "newest";
  const since = query.since.toISOString();
  // Listing keys start with the creation time, so a time is a bound between keys.
  const bound = query.cursor ? listKeyOfCursor(query.cursor) : newest ? "~" : since;
  const range: KeyRange = newest
    ? { from: since, before: bound }
    : { after: [since, bound].sort()[1] ?? since };
  const readPartitions = (keys: string[], index: "byOwner" | "byTime") =>
    Promise.all(keys.map((key) => queryPartition(db, tableName, index, key, range, query)));

  if (!actor.operator) {
    const pages = await readPartitions(
      LIST_SHARD_NUMBERS.map((shard) => ownerShardKey(actor.caller, shard)),
      "byOwner",
    );
    return mergePages(pages, query.limit, newest);
  }
  const lastDay = newest && query.cursor ? new Date(bound.slice(0, 10)) : now;
  const firstDay = !newest && query.cursor ? new Date(bound.slice(0, 10)) : query.since;
  const days = daysBetween(firstDay, lastDay);
  if (newest) days.reverse();
  const entries: ListEntry[] = [];
  for (const day of days) {
    const pages = await readPartitions(
      LIST_SHARD_NUMBERS.map((shard) => dayShardKey(day, shard)),
      "byTime",
    );
    const page = mergePages(pages, query.limit - entries.length, newest);
    entries.push(...page.entries);
    if (page.nextCursor || entries.length >= query.limit) {
      const last = entries.at(-1);
      return { entries, nextCursor: page.nextCursor ?? cursorAfter(last?.listKey ?? bound) };
    }
  }
  return { entries };
}

/** The part of a partition a page reads: after a key (oldest first), or from a time to before a key (newest first). */
type KeyRange = { after: string } | { from: string; before: string };

async function queryPartition(
  db: DynamoDBDocumentClient,
  tableName: string,
  index: "byOwner" | "byTime",
  partition: string,
  range: KeyRange,
  query: ListQuery,
): Promise<PartitionPage> {
  const layout = TASK_TABLE.indexes[index];
  const names: Record<string, string> = { "#pk": layout.partitionKey, "#sk": layout.sortKey };
  const values: Record<string, unknown> = { ":pk": partition };
  let keyCondition: string;
  if ("after" in range) {
    values[":after"] = range.after;
    keyCondition = "#pk = :pk AND #sk > :after";
  } else {
    // BETWEEN is inclusive: the key a cursor names is dropped from the items below.
    values[":from"] = range.from;
    values[":before"] = range.before;
    keyCondition = "#pk = :pk AND #sk BETWEEN :from AND :before";
  }
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: layout.name,
      KeyConditionExpression: keyCondition,
      ScanIndexForward: "after" in range,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      // Newest first, the inclusive bound reads the cursor's own item again: one more makes room.
      Limit: "before" in range ? query.limit + 1 : query.limit,
    }),
  );
  const items = (out.Items ?? [])
    .map((item) => ({ id: item.id as string, listKey: item[layout.sortKey] as string }))
    .filter((item) => !("before" in range) || item.listKey !== range.before);
  const readTo = out.LastEvaluatedKey?.[layout.sortKey];
  return typeof readTo === "string" ? { items, readTo } : { items };
}

/**
 * Merges shard pages in listing order, up to where every shard has been read: a shard that
 * stopped early stopped at `readTo`, and nothing past the earliest such point (in listing
 * order) is shown, so the next page, from there, misses nothing.
 */
function mergePages(pages: PartitionPage[], limit: number, newest: boolean): KeyPage {
  const before = (a: string, b: string) => (newest ? a > b : a < b);
  const stops = pages.flatMap((page) => (page.readTo ? [page.readTo] : []));
  const readTo = stops.reduce<string | undefined>(
    (first, stop) => (first === undefined || before(stop, first) ? stop : first),
    undefined,
  );
  const merged = pages
    .flatMap((page) => page.items)
    .filter((item) => readTo === undefined || !before(readTo, item.listKey))
    .sort((a, b) => (before(a.listKey, b.listKey) ? -1 : 1));
  const entries = merged.slice(0, limit);
  const last = entries.at(-1);
  if (merged.length > limit && last) return { entries, nextCursor: cursorAfter(last.listKey) };
  if (readTo !== undefined) return { entries, nextCursor: cursorAfter(readTo) };
  return { entries };
}

function listedTaskOf(item: Record<string, unknown>): ListedTask {
  const { listOutput, outputLocation, ...rest } = item as Record<string, unknown> & {
    listOutput?: string;
    outputLocation?: ListedTask["outputLocation"];
  };
  const task: ListedTask = {
    id: rest.id as string,
    type: rest.type as string,
    owner: rest.owner as string,
    status: rest.status as TaskStatus,
    generation: rest.generation as number,
    attempts: rest.attempts as number,
    createdAt: rest.createdAt as string,
    updatedAt: rest.updatedAt as string,
    listKey: rest.listKey as string,
  };
  if (typeof rest.startedAt === "string") task.startedAt = rest.startedAt;
  if (typeof rest.finishedAt === "string") task.finishedAt = rest.finishedAt;
  if (rest.error) task.error = rest.error as TaskErrorInfo;
  if (typeof listOutput === "string") task.output = JSON.parse(listOutput) as Payload;
  if (outputLocation) task.outputLocation = outputLocation;
  return task;
}
