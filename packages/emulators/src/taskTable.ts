import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { taskTableDefinition } from "@tasklane/shared-task";
import { EmulatorError } from "./errors.js";

/** How long a new table may stay CREATING before the wait is given up. */
const ACTIVE_TIMEOUT_MS = 10_000;

/**
 * Creates a tasks table named `tableName` from shared-task's `taskTableDefinition` (the keys,
 * indexes and projections the Pulumi program deploys) and waits until it and every index are
 * ACTIVE, as a deployed stack's are. dynalite has no TTL API (it answers `UpdateTimeToLive` with
 * `UnknownOperationException`), so the TTL attribute is not enabled and expired records stay.
 *
 * @example
 * ```ts
 * const dynalite = await startDynalite();
 * const dynamodb = new DynamoDBClient({ endpoint: dynalite.url });
 * await createTaskTable(dynamodb, "tasklane-dev-tasks");
 * ```
 */
export async function createTaskTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(new CreateTableCommand(taskTableDefinition(tableName)));
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table: table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === "ACTIVE" && indexes.every((i) => i.IndexStatus === "ACTIVE")) {
      return;
    }
    if (Date.now() > deadline) {
      throw new EmulatorError(`the tasks table ${tableName} did not become ACTIVE`);
    }
    await sleep(5);
  }
}
