import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  dayShardKey,
  daysBetween,
  LIST_SHARD_NUMBERS,
  ownerShardKey,
  type Payload,
  TASK_TABLE,
  type TaskErrorInfo,
  type TaskStatus,
} from "@tasklane/shared-task";
import type { Actor } from "./taskRecords.js";

export interface ListQuery {
  /** Tasks created at or after this time. */
  since: Date;
  statuses?: readonly TaskStatus[] | undefined;
  type?: string | undefined;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

/** A task as the listing indexes project it: no input, and its output only when small. */
export interface ListedTask {
  id: string;
  type: string;
  owner: string;
  status: TaskStatus;
  generation: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
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

interface PartitionPage {
  items: ListedTask[];
  /** The last key the partition's query read, when it has more. */
  readTo?: string;
}

/**
 * Tasks created since `query.since`, oldest first: an owner's from `byOwner`, or everyone's
 * (for an operator) from `byTime`, one day at a time. Each page queries every shard of the
 * partitions it reads and merges them; where a shard stopped early (its query's limit, or a
 * status filter that read more than it kept), the page ends at the earliest such point, so the
 * next page misses nothing.
 */
export async function listTaskRecords(
  db: DynamoDBDocumentClient,
  tableName: string,
  actor: Actor,
  query: ListQuery,
  now: Date = new Date(),
): Promise<ListPage> {
  let after = query.cursor ? listKeyOfCursor(query.cursor) : query.since.toISOString();
  if (after < query.since.toISOString()) after = query.since.toISOString();
  const readPartitions = (keys: string[], index: "byOwner" | "byTime") =>
    Promise.all(keys.map((key) => queryPartition(db, tableName, index, key, after, query)));

  if (!actor.operator) {
    const pages = await readPartitions(
      LIST_SHARD_NUMBERS.map((shard) => ownerShardKey(actor.caller, shard)),
      "byOwner",
    );
    return mergePages(pages, query.limit);
  }
  const tasks: ListedTask[] = [];
  for (const day of daysBetween(new Date(after.slice(0, 10)), now)) {
    const pages = await readPartitions(
      LIST_SHARD_NUMBERS.map((shard) => dayShardKey(day, shard)),
      "byTime",
    );
    const page = mergePages(pages, query.limit - tasks.length);
    tasks.push(...page.tasks);
    if (page.nextCursor || tasks.length >= query.limit) {
      const last = tasks.at(-1);
      return { tasks, nextCursor: page.nextCursor ?? cursorAfter(last?.listKey ?? after) };
    }
  }
  return { tasks };
}

async function queryPartition(
  db: DynamoDBDocumentClient,
  tableName: string,
  index: "byOwner" | "byTime",
  partition: string,
  after: string,
  query: ListQuery,
): Promise<PartitionPage> {
  const layout = TASK_TABLE.indexes[index];
  const filters: string[] = [];
  const names: Record<string, string> = { "#pk": layout.partitionKey, "#sk": layout.sortKey };
  const values: Record<string, unknown> = { ":pk": partition, ":after": after };
  if (query.statuses?.length) {
    names["#status"] = "status";
    const placeholders = query.statuses.map((status, i) => {
      values[`:status${i}`] = status;
      return `:status${i}`;
    });
    filters.push(`#status IN (${placeholders.join(", ")})`);
  }
  if (query.type) {
    names["#type"] = "type";
    values[":type"] = query.type;
    filters.push("#type = :type");
  }
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: layout.name,
      KeyConditionExpression: "#pk = :pk AND #sk > :after",
      ...(filters.length ? { FilterExpression: filters.join(" AND ") } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Limit: query.limit,
    }),
  );
  const items = (out.Items ?? []).map(listedTaskOf);
  const readTo = out.LastEvaluatedKey?.[layout.sortKey];
  return typeof readTo === "string" ? { items, readTo } : { items };
}

/** Merges shard pages in listing order, up to where every shard has been read. */
function mergePages(pages: PartitionPage[], limit: number): ListPage {
  const stops = pages.flatMap((page) => (page.readTo ? [page.readTo] : []));
  const readTo = stops.sort()[0];
  const merged = pages
    .flatMap((page) => page.items)
    .filter((item) => readTo === undefined || item.listKey <= readTo)
    .sort((a, b) => (a.listKey < b.listKey ? -1 : 1));
  const tasks = merged.slice(0, limit);
  const last = tasks.at(-1);
  if (merged.length > limit && last) return { tasks, nextCursor: cursorAfter(last.listKey) };
  if (readTo !== undefined) {
    return {
      tasks,
      nextCursor: cursorAfter(last && last.listKey > readTo ? last.listKey : readTo),
    };
  }
  return { tasks };
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
