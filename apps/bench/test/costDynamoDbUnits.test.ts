import { describe, expect, it } from "vitest";
import {
  applyUpdateExpression,
  DynamoDbMeter,
  type Item,
  indexWriteUnits,
  itemSizeBytes,
  readUnits,
  taskTableIndexes,
  writeUnits,
} from "../src/cost/dynamoDbUnits.js";
import { claim, complete, consumerRead, markSent, put } from "./costFixtures.js";

const request = (fixture: {
  action: string;
  statusCode: number;
  responseBytes: number;
  body: unknown;
}) => ({
  action: fixture.action,
  statusCode: fixture.statusCode,
  responseBytes: fixture.responseBytes,
  body: JSON.stringify(fixture.body),
});

describe("DynamoDB item sizes and units", () => {
  it.each([
    ["a string: name and value bytes", { id: { S: "abc" } }, 5],
    ["a multi-byte string counts UTF-8 bytes", { t: { S: "é" } }, 3],
    ["a number: one byte per two significant digits, plus one", { n: { N: "12345" } }, 1 + 4],
    ["trailing and leading zeros are not significant", { n: { N: "001200" } }, 1 + 2],
    ["booleans and nulls are one byte", { b: { BOOL: true }, z: { NULL: true } }, 4],
    [
      "a list: 3 bytes, plus one per element",
      { l: { L: [{ S: "ab" }, { N: "1" }] } },
      1 + 3 + 3 + 3,
    ],
    [
      "a map: 3 bytes, plus one per element and its name",
      { m: { M: { at: { S: "x" } } } },
      1 + 3 + 1 + 2 + 1,
    ],
  ])("%s", (_case, item, bytes) => {
    // Act
    const size = itemSizeBytes(item as Item);

    // Assess
    expect(size).toBe(bytes);
  });

  it("bills writes per KB and strongly consistent reads per 4 KB, rounded up, at least one", () => {
    expect([writeUnits(0), writeUnits(1024), writeUnits(1025), writeUnits(3000)]).toEqual([
      1, 1, 2, 3,
    ]);
    expect([readUnits(100, true), readUnits(4097, true), readUnits(4096, false)]).toEqual([
      1, 2, 0.5,
    ]);
  });
});

describe("replaying an update expression", () => {
  it("applies CreateTask's claim: SET with if_not_exists and list_append, REMOVE, ADD", () => {
    // Prepare
    const before = applyUpdateExpression(
      put.body.Item as Item,
      markSent.body.UpdateExpression,
      markSent.body.ExpressionAttributeNames,
      markSent.body.ExpressionAttributeValues as Record<string, Item[string]>,
    );

    // Act
    const after = applyUpdateExpression(
      before,
      claim.body.UpdateExpression,
      claim.body.ExpressionAttributeNames,
      claim.body.ExpressionAttributeValues as Record<string, Item[string]>,
    );

    // Assess
    expect(before.unsentSince).toBeUndefined();
    expect(before.sentAt).toEqual({ S: "2026-12-01T21:38:52.145Z" });
    expect(after).toMatchObject({
      status: { S: "running" },
      startedAt: { S: "2026-12-01T21:38:52.242Z" },
      attempts: { N: "1" },
      generationAttempts: { N: "1" },
    });
    expect(after.timeline?.L).toHaveLength(2);
  });

  it("keeps an attribute that if_not_exists finds", () => {
    const after = applyUpdateExpression(
      { startedAt: { S: "first" }, polls: { N: "2" } },
      "SET startedAt = if_not_exists(startedAt, :at), polls = polls + :one",
      {},
      { ":at": { S: "second" }, ":one": { N: "1" } },
    );

    expect(after.startedAt).toEqual({ S: "first" });
    expect(after.polls).toEqual({ N: "3" });
  });
});

describe("index writes, from the tasks table's layout", () => {
  const [byOwner, byTime, unsent] = taskTableIndexes();

  it("reads the three indexes of packages/shared-task's TASK_TABLE", () => {
    expect([byOwner?.name, byTime?.name, unsent?.name]).toEqual(["byOwner", "byTime", "unsent"]);
    expect(unsent?.projected).toBe("KEYS_ONLY");
  });

  it("costs one write to enter or leave an index, two to rewrite a key, none when nothing projected changes", () => {
    // Prepare
    const base: Item = { id: { S: "t" }, unsentShard: { S: "4" }, unsentSince: { S: "a" } };
    const index = unsent ?? taskTableIndexes()[2];
    if (!index) throw new Error("no unsent index");

    // Act / Assess
    expect(indexWriteUnits(index, {}, base, "id")).toBe(1);
    expect(indexWriteUnits(index, base, { id: { S: "t" } }, "id")).toBe(1);
    expect(indexWriteUnits(index, base, { ...base, unsentSince: { S: "b" } }, "id")).toBe(2);
    expect(indexWriteUnits(index, base, { ...base, sentAt: { S: "x" } }, "id")).toBe(0);
  });
});

describe("metering an echo task's requests", () => {
  it("bills its four writes 4 table units and 4 index units (keys-only indexes are written once), and its consistent read 1 read unit", () => {
    // Prepare
    const meter = new DynamoDbMeter();

    // Act
    const units = [put, markSent, consumerRead, claim, complete].map((r) =>
      meter.meter(request(r)),
    );

    // Assess
    expect(units.map((u) => u.tableWriteUnits)).toEqual([1, 1, 0, 1, 1]);
    expect(units.map((u) => u.indexWriteUnits)).toEqual([
      { byOwner: 1, byTime: 1, unsent: 1 },
      { unsent: 1 },
      {},
      {},
      {},
    ]);
    expect(units[2]?.readUnits).toBe(1);
  });

  it("bills a BatchGetItem's reads as strongly consistent when its table asks for it", () => {
    // Prepare: the resend sweep's batch read, 5 KB back, strongly consistent per table.
    const meter = new DynamoDbMeter();
    const batch = (consistent: boolean) => ({
      action: "BatchGetItem",
      body: JSON.stringify({
        RequestItems: { tasks: { Keys: [{ id: { S: "t" } }], ConsistentRead: consistent } },
      }),
      statusCode: 200,
      responseBytes: 5000,
    });

    // Act / Assess: 2 read units strongly consistent (per 4 KB), 1 eventually consistent.
    expect(meter.meter(batch(true)).readUnits).toBe(2);
    expect(meter.meter(batch(false)).readUnits).toBe(1);
  });

  it("bills a refused conditional write its table units and no index", () => {
    // Prepare
    const meter = new DynamoDbMeter();
    meter.meter(request(put));

    // Act
    const refused = meter.meter({ ...request(claim), statusCode: 400 });

    // Assess
    expect(refused).toEqual({ tableWriteUnits: 1, indexWriteUnits: {}, readUnits: 0 });
  });

  it("bills an update by the larger of the item before and after it", () => {
    // Prepare
    const meter = new DynamoDbMeter();
    meter.meter(request(put));
    const big = {
      ...claim.body,
      ExpressionAttributeValues: {
        ...claim.body.ExpressionAttributeValues,
        ":run": { S: "r".repeat(2000) },
      },
    };

    // Act
    const units = meter.meter({ ...request(claim), body: JSON.stringify(big) });

    // Assess
    expect(units.tableWriteUnits).toBe(3);
  });
});
