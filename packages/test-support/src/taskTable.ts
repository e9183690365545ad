import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { taskTableDefinition } from "@tasklane/shared-task";

/**
 * Creates a tasks table named `tableName` from shared-task's `taskTableDefinition` (the keys and
 * indexes the stack deploys) and waits until it and its indexes are ACTIVE; a test that wants a
 * table of its own passes a fresh name (at least 3 characters). dynalite has no TTL, so
 * expired records are never deleted.
 *
 * @example
 * ```ts
 * const aws = await startAwsEmulators();
 * const tableName = `tasks-${randomUUID()}`;
 * await createTaskTable(aws.dynamodb, tableName);
 * ```
 */
export async function createTaskTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(new CreateTableCommand(taskTableDefinition(tableName)));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { Table: table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === "ACTIVE" && indexes.every((i) => i.IndexStatus === "ACTIVE")) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE`);
    await sleep(5);
  }
}

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
