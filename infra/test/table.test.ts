import { TASK_TABLE, taskTableDefinition } from "@tasklane/shared-task";
import { beforeAll, describe, expect, it } from "vitest";
import { describeEachStack, mockKeyArn, promiseOf, runProgram } from "./pulumiMocks.js";

interface TableIndexInput {
  name: string;
  keySchemas: { attributeName: string; keyType: string }[];
  projectionType: string;
  nonKeyAttributes?: string[];
}

describeEachStack("the tasks table of the %s stack", ({ stack, config, run }) => {
  let table: Record<string, unknown>;
  beforeAll(async () => {
    table = run.named("tableTable").inputs;
  });

  it("is the stack's one table, named for it and billed on demand, with no provisioned capacity", async () => {
    expect(run.ofType("aws:dynamodb/table:Table").map((t) => t.name)).toEqual(["tableTable"]);
    expect(table.name).toBe(`tasklane-${stack}-tasks`);
    expect(await promiseOf(run.program.tableName)).toBe(table.name);
    expect(table.billingMode).toBe("PAY_PER_REQUEST");
    expect(table.readCapacity).toBeUndefined();
    expect(table.writeCapacity).toBeUndefined();
  });

  it("keys, indexes and projects exactly as shared-task's TASK_TABLE (what pnpm dev creates)", () => {
    const expected = taskTableDefinition(table.name as string);
    const indexes = (table.globalSecondaryIndexes as TableIndexInput[]).map((index) => ({
      IndexName: index.name,
      KeySchema: index.keySchemas.map((key) => ({
        AttributeName: key.attributeName,
        KeyType: key.keyType,
      })),
      Projection: {
        ProjectionType: index.projectionType,
        ...(index.nonKeyAttributes ? { NonKeyAttributes: index.nonKeyAttributes } : {}),
      },
    }));

    expect(table.hashKey).toBe(TASK_TABLE.partitionKey);
    expect(table.rangeKey).toBeUndefined();
    expect(table.attributes).toEqual(
      expected.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })),
    );
    expect(indexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(
      Object.values(TASK_TABLE.indexes)
        .map((i) => i.name)
        .sort(),
    );
  });

  it("lets DynamoDB delete finished tasks through the TTL on expiresAt", () => {
    expect(TASK_TABLE.ttlAttribute).toBe("expiresAt");
    expect(table.ttl).toEqual({ attributeName: TASK_TABLE.ttlAttribute, enabled: true });
  });

  it("encrypts at rest with a rotated customer-managed key exactly when table.kms, else the AWS-owned key", () => {
    const keys = run.ofType("aws:kms/key:Key").filter((k) => k.name === "tableKey");

    if (config.table.kms) {
      expect(table.serverSideEncryption).toEqual({
        enabled: true,
        kmsKeyArn: mockKeyArn("tableKey"),
      });
      expect(keys.map((k) => k.inputs.enableKeyRotation)).toEqual([true]);
      expect(run.named("tableKeyAlias").inputs.name).toBe(`alias/tasklane-${stack}-tasks-table`);
    } else {
      expect(table.serverSideEncryption).toEqual({ enabled: false });
      expect(keys).toEqual([]);
    }
  });

  it("recovers to a point in time and refuses deletion exactly as configured", () => {
    expect(table.pointInTimeRecovery).toEqual({ enabled: config.table.pointInTimeRecovery });
    expect(table.deletionProtectionEnabled).toBe(config.table.deletionProtection);
  });
});

describe("the prod tasks table", () => {
  it("is encrypted with its own customer-managed key, recoverable to a point in time and protected from deletion", async () => {
    const table = (await runProgram("prod")).named("tableTable").inputs;

    expect(table.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: mockKeyArn("tableKey"),
    });
    expect(mockKeyArn("tableKey")).not.toBe(mockKeyArn("tasksKey"));
    expect(table.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table.deletionProtectionEnabled).toBe(true);
  });
});

describe("the dev tasks table", () => {
  it("uses the AWS-owned key, keeps no continuous backups and can be deleted with the stack", async () => {
    const run = await runProgram("dev");
    const table = run.named("tableTable").inputs;

    expect(table.serverSideEncryption).toEqual({ enabled: false });
    expect(table.pointInTimeRecovery).toEqual({ enabled: false });
    expect(table.deletionProtectionEnabled).toBe(false);
  });
});
