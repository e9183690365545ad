import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { LIST_SHARD_NUMBERS, TASK_TABLE } from "@tasklane/shared-task";

/**
 * Ids of tasks marked unsent since before `olderThan`, oldest first per shard: records whose
 * sender stopped between writing them and hearing from SQS. The index holds only the records
 * still marked, so a sweep of a healthy stack reads nothing but empty shards.
 */
export async function findUnsentSince(
  db: DynamoDBDocumentClient,
  tableName: string,
  olderThan: Date,
  limitPerShard: number,
): Promise<string[]> {
  const layout = TASK_TABLE.indexes.unsent;
  const pages = await Promise.all(
    LIST_SHARD_NUMBERS.map((shard) =>
      db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: layout.name,
          KeyConditionExpression: "#pk = :shard AND #sk < :before",
          ExpressionAttributeNames: { "#pk": layout.partitionKey, "#sk": layout.sortKey },
          ExpressionAttributeValues: {
            ":shard": String(shard),
            ":before": olderThan.toISOString(),
          },
          Limit: limitPerShard,
        }),
      ),
    ),
  );
  return pages.flatMap((page) => (page.Items ?? []).map((item) => item.id as string));
}
