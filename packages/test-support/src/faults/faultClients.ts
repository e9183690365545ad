import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";

/** Fresh clients of the emulators for one handler under faults. */
export interface FaultClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
  destroy(): void;
}

/**
 * Clients of the emulators `startAwsEmulators` points the SDK at, made with `maxAttempts: 1`:
 * a fault then fails exactly the one attempt it names, and no time goes to the SDK's backoff
 * (`withFaults` holds a fault for every attempt anyway). Apps pass their own Step Functions
 * client alongside, made the same way.
 */
export function faultClients(): FaultClients {
  const dynamodb = new DynamoDBClient({ maxAttempts: 1 });
  const sqs = new SQSClient({ maxAttempts: 1 });
  const s3 = new S3Client({ maxAttempts: 1 });
  return {
    dynamodb,
    sqs,
    s3,
    destroy() {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
    },
  };
}

/**
 * Every item of a table, as plain values (a test's view of all that is stored); with `where`,
 * only those whose attribute (a string) is one of the values given.
 */
export async function scanItems(
  dynamodb: DynamoDBClient,
  tableName: string,
  where?: Readonly<Record<string, readonly string[]>>,
): Promise<Record<string, unknown>[]> {
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const clauses = Object.entries(where ?? {})
    .filter(([, allowed]) => allowed.length > 0)
    .map(([attribute, allowed], a) => {
      names[`#a${a}`] = attribute;
      const placeholders = allowed.map((value, v) => {
        values[`:a${a}v${v}`] = value;
        return `:a${a}v${v}`;
      });
      return `#a${a} IN (${placeholders.join(", ")})`;
    });
  if (where && clauses.length === 0) return [];
  const filter =
    clauses.length > 0
      ? {
          FilterExpression: clauses.join(" OR "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }
      : {};
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...filter,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
