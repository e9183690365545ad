import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { TASK_TABLE } from "@tasklane/shared-task";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalTable, startLocalTable } from "../src/index.js";
import { dynamodbClient, REGION } from "./helpers/awsClients.js";

const TABLE = "tasklane-test-tasks";

describe("the local tasks table", () => {
  let table: LocalTable;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    table = await startLocalTable({ tableName: TABLE, region: REGION });
    dynamodb = dynamodbClient(table.url);
  });

  afterAll(async () => {
    dynamodb.destroy();
    await table.stop();
  });

  it("is ACTIVE on demand, keyed by id, with the three indexes and their projections", async () => {
    // Act
    const { Table: described } = await dynamodb.send(
      new DescribeTableCommand({ TableName: TABLE }),
    );

    // Assess
    expect(table.url).toBe(`http://127.0.0.1:${table.port}`);
    expect(described).toMatchObject({
      TableName: TABLE,
      TableStatus: "ACTIVE",
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    });
    const indexes = Object.fromEntries(
      (described?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]),
    );
    expect(Object.keys(indexes).sort()).toEqual(["byOwner", "byTime", "unsent"]);
    for (const { name, partitionKey, sortKey } of Object.values(TASK_TABLE.indexes)) {
      expect(indexes[name]).toMatchObject({
        IndexStatus: "ACTIVE",
        KeySchema: [
          { AttributeName: partitionKey, KeyType: "HASH" },
          { AttributeName: sortKey, KeyType: "RANGE" },
        ],
      });
    }
    for (const index of ["byOwner", "byTime", "unsent"]) {
      expect(indexes[index]?.Projection).toEqual({ ProjectionType: "KEYS_ONLY" });
    }
  });

  it("decides a race by a conditional write, as DynamoDB does", async () => {
    // Prepare
    const put = () =>
      dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { id: { S: "race" }, generation: { N: "1" } },
          ConditionExpression: "attribute_not_exists(id)",
        }),
      );
    await put();

    // Act
    const second = await put().catch((error: unknown) => error);
    const bumped = await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { id: { S: "race" } },
        UpdateExpression: "ADD generation :one",
        ConditionExpression: "generation = :current",
        ExpressionAttributeValues: { ":one": { N: "1" }, ":current": { N: "1" } },
        ReturnValues: "ALL_NEW",
      }),
    );

    // Assess
    expect(second).toBeInstanceOf(ConditionalCheckFailedException);
    expect(bumped.Attributes?.generation).toEqual({ N: "2" });
  });

  it("closes its endpoint when it stops", async () => {
    // Prepare
    const other = await startLocalTable({ tableName: "tasklane-other-tasks", region: REGION });
    const client = dynamodbClient(other.url);

    // Act
    await other.stop();
    const after = await client
      .send(new DescribeTableCommand({ TableName: "tasklane-other-tasks" }))
      .catch((error: unknown) => error);

    // Assess
    expect(after).toBeInstanceOf(Error);
    expect((after as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      undefined,
    );
    client.destroy();
  });
});
