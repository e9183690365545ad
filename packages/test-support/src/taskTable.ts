import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";

/**
 * A task's item as the table holds it (strongly consistent), attributes as plain values: the
 * record's fields (`input` and `output` as the JSON text of their payloads) and the index keys.
 */
export async function readTaskItem(
  dynamodb: DynamoDBClient,
  tableName: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const out = await documents.send(
    new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
  );
  return out.Item;
}
