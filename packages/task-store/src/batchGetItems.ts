import { setTimeout as sleep } from "node:timers/promises";
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** `BatchGetItem` takes at most 100 keys. */
const BATCH_GET_MAX_KEYS = 100;

export interface BatchGetOptions {
  /** The attributes to read; all of them when left out. */
  attributes?: readonly string[];
  /** Read strongly consistent, as `GetItem` with `ConsistentRead` does. */
  consistent?: boolean;
}

/**
 * The tasks table's items with these ids, in that order; missing ones are left out. One
 * `BatchGetItem` per 100 ids instead of a `GetItem` per id; keys it leaves unprocessed
 * (throttling) are asked for again, after a pause.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  ids: readonly string[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const names = options.attributes
    ? Object.fromEntries(options.attributes.map((name, i) => [`#a${i}`, name]))
    : undefined;
  const byId = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < ids.length; start += BATCH_GET_MAX_KEYS) {
    let keys: Record<string, unknown>[] = ids
      .slice(start, start + BATCH_GET_MAX_KEYS)
      .map((id) => ({ id }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ...(names
                ? {
                    ProjectionExpression: Object.keys(names).join(", "),
                    ExpressionAttributeNames: names,
                  }
                : {}),
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? []) byId.set(item.id as string, item);
      keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return ids.flatMap((id) => {
    const item = byId.get(id);
    return item ? [item] : [];
  });
}
