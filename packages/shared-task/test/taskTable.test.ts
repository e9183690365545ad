import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dayOf,
  dayShardKey,
  daysBetween,
  LIST_SHARD_NUMBERS,
  listKeyOf,
  listShardOf,
  newTaskId,
  ownerShardKey,
  TASK_TABLE,
  TASK_TABLE_KEY_ATTRIBUTES,
  taskRecordSchema,
  taskTableDefinition,
} from "../src/index.js";

const uuid = fc.uuid({ version: [4, 5, 7] });
const instant = fc.date({
  min: new Date("2020-01-01T00:00:00.000Z"),
  max: new Date("2040-01-01T00:00:00.000Z"),
  noInvalidDate: true,
});

describe("the tasks table's layout", () => {
  const definition = taskTableDefinition("tasklane-dev-tasks");

  it("keys items by task id and declares every index key as a string", () => {
    expect(definition.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(definition.AttributeDefinitions.map((a) => a.AttributeName).sort()).toEqual(
      [...TASK_TABLE_KEY_ATTRIBUTES].sort(),
    );
    expect(definition.AttributeDefinitions.every((a) => a.AttributeType === "S")).toBe(true);
    expect(definition.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("keeps the listing indexes to their keys, so a task's state changes never write them", () => {
    for (const name of [TASK_TABLE.indexes.byOwner.name, TASK_TABLE.indexes.byTime.name]) {
      const index = definition.GlobalSecondaryIndexes.find((i) => i.IndexName === name);
      expect(index?.Projection).toEqual({ ProjectionType: "KEYS_ONLY" });
    }
  });

  it("reads for a listing only what it shows, never the input or the full output", () => {
    expect(TASK_TABLE.listAttributes).not.toContain("input");
    expect(TASK_TABLE.listAttributes).not.toContain("output");
    expect(TASK_TABLE.listAttributes).not.toContain("timeline");
  });

  it("keeps the unsent index to its keys: the sweep reads the record itself", () => {
    const unsent = definition.GlobalSecondaryIndexes.find((i) => i.IndexName === "unsent");

    expect(unsent?.KeySchema).toEqual([
      { AttributeName: "unsentShard", KeyType: "HASH" },
      { AttributeName: "unsentSince", KeyType: "RANGE" },
    ]);
    expect(unsent?.Projection).toEqual({ ProjectionType: "KEYS_ONLY" });
  });

  it("lists only attributes a record has, or the listing copies TaskRecords writes", () => {
    const recordFields = Object.keys(taskRecordSchema.shape);
    const listingOnly = ["listOutput", "outputLocation", "listKey"];

    for (const attribute of TASK_TABLE.listAttributes) {
      expect([...recordFields, ...listingOnly]).toContain(attribute);
    }
  });
});

describe("listing shards", () => {
  it("are a number from 0 to listShards - 1, the same for the same id", () => {
    fc.assert(
      fc.property(uuid, (id) => {
        const shard = listShardOf(id);
        expect(LIST_SHARD_NUMBERS).toContain(shard);
        expect(listShardOf(id)).toBe(shard);
      }),
    );
  });

  it("spread new task ids over every shard", () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 4_000; i++) {
      const shard = listShardOf(newTaskId());
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }

    expect([...counts.keys()].sort()).toEqual([...LIST_SHARD_NUMBERS]);
    // 500 expected per shard; a shard under 350 would mean the ids are not uniform there.
    expect(Math.min(...counts.values())).toBeGreaterThan(350);
  });

  it("refuse anything that is not a task id", () => {
    expect(() => listShardOf("not-an-id")).toThrow('not a task id: "not-an-id"');
  });

  it("name the partitions of an owner and of a day", () => {
    expect(ownerShardKey("arn:aws:iam::1:user/a", 3)).toBe("arn:aws:iam::1:user/a#3");
    expect(dayShardKey("2026-11-25", 7)).toBe("2026-11-25#7");
  });
});

describe("listKeyOf", () => {
  it("sorts as the creation times do, and by id among equal times", () => {
    fc.assert(
      fc.property(instant, instant, uuid, uuid, (a, b, idA, idB) => {
        const [keyA, keyB] = [listKeyOf(a.toISOString(), idA), listKeyOf(b.toISOString(), idB)];
        if (a.getTime() !== b.getTime()) {
          expect(keyA < keyB).toBe(a.getTime() < b.getTime());
        } else if (idA !== idB) {
          expect(keyA < keyB).toBe(idA < idB);
        }
      }),
    );
  });

  it("writes the time in UTC, whatever offset it was given in", () => {
    expect(listKeyOf("2026-11-25T12:00:00+02:00", "x")).toBe("2026-11-25T10:00:00.000Z#x");
  });
});

describe("daysBetween", () => {
  it("names every UTC day from since to until, oldest first", () => {
    expect(
      daysBetween(new Date("2026-11-23T23:59:59.000Z"), new Date("2026-11-25T00:00:00.000Z")),
    ).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
  });

  it("holds one day per calendar day crossed, each the day of some instant between", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 * 86_400_000 }), (since, span) => {
        const until = new Date(since.getTime() + span);
        const days = daysBetween(since, until);
        const first = Date.parse(dayOf(since));
        expect(days).toHaveLength(Math.floor((Date.parse(dayOf(until)) - first) / 86_400_000) + 1);
        expect(days[0]).toBe(dayOf(since));
        expect(days.at(-1)).toBe(dayOf(until));
        expect([...days].sort()).toEqual(days);
      }),
    );
  });

  it("is empty when until is before since's day", () => {
    expect(daysBetween(new Date("2026-11-25T10:00:00Z"), new Date("2026-11-24T10:00:00Z"))).toEqual(
      [],
    );
  });
});
