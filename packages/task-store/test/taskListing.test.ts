import { LIST_SHARD_NUMBERS, listShardOf, type TaskStatus } from "@tasklane/shared-task";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actor,
  InvalidCursorError,
  type ListQuery,
  type NewTask,
  type TaskRecords,
} from "../src/index.js";
import { fileEmulators } from "./helpers/fileEmulators.js";
import {
  ALICE,
  alice,
  BOB,
  bob,
  freshRecords,
  idsInShard,
  newTask,
  operator,
  RUN,
  recordIn,
  steppingClock,
} from "./helpers/taskFixtures.js";

const aws = fileEmulators();

const DAY = "2026-11-25";
const since = new Date(`${DAY}T00:00:00.000Z`);

/** `count` tasks of `owner`, a second apart from `start`, their ids spread over every shard. */
function tasksOf(owner: string, count: number, start = `${DAY}T08:00:00.000Z`): NewTask[] {
  const perShard = Math.ceil(count / LIST_SHARD_NUMBERS.length);
  const byShard = LIST_SHARD_NUMBERS.map((shard) => idsInShard(shard, perShard));
  return Array.from({ length: count }, (_, i) =>
    newTask({
      id: byShard[i % byShard.length]?.[Math.floor(i / byShard.length)] as string,
      owner,
      createdAt: new Date(Date.parse(start) + i * 1_000).toISOString(),
    }),
  );
}

/** Creates the tasks in an order unlike their creation times, as concurrent requests would. */
async function createAll(records: TaskRecords, tasks: NewTask[]): Promise<void> {
  const shuffled = [...tasks].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let at = 0; at < shuffled.length; at += 25) {
    await Promise.all(shuffled.slice(at, at + 25).map((task) => records.create(task)));
  }
}

/** Every page of a listing, following the cursor; at most `maxPages` pages. */
async function allPages(records: TaskRecords, actor: Actor, query: ListQuery, maxPages = 200) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await records.list(actor, { ...query, ...(cursor ? { cursor } : {}) });
    expect(page.tasks.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.tasks.map((t) => t.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < maxPages);
  expect(cursor, "the listing never ended").toBeUndefined();
  return { ids, pages };
}

const idsOf = (tasks: NewTask[]) => tasks.map((t) => t.id);

describe("listing an owner's tasks", () => {
  let records: TaskRecords;
  let alices: NewTask[];
  let bobs: NewTask[];

  beforeAll(async () => {
    records = await freshRecords(aws);
    alices = tasksOf(ALICE, 120);
    bobs = tasksOf(BOB, 16);
    await createAll(records, [...alices, ...bobs]);
  });

  it("returns only the owner's tasks, from every shard, oldest first", async () => {
    // Act
    const page = await records.list(alice, { since, limit: 100 });

    // Assess
    expect(page.tasks.map((t) => t.id)).toEqual(idsOf(alices).slice(0, 100));
    expect(new Set(page.tasks.map((t) => listShardOf(t.id))).size).toBe(8);
    expect(page.tasks.every((t) => t.owner === ALICE)).toBe(true);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it.each([7, 25, 100])(
    "pages through all 120 with a cursor, %i at a time, with no gap and no repeat",
    async (limit) => {
      // Act
      const { ids } = await allPages(records, alice, { since, limit });

      // Assess
      expect(ids).toEqual(idsOf(alices));
    },
  );

  it.each([7, 100])(
    "pages through all 120 newest first, %i at a time, with no gap and no repeat",
    async (limit) => {
      // Act
      const { ids } = await allPages(records, alice, { since, limit, order: "newest" });

      // Assess
      expect(ids).toEqual(idsOf(alices).reverse());
    },
  );

  // One at a time, every page reads all 8 shards: the last 24 (3 in each shard) cross every
  // shard's boundary as often as all 120 would, at a fifth of the reads.
  it.each(["oldest", "newest"] as const)(
    "pages through the last 24, %s first, one at a time, with no gap and no repeat",
    async (order) => {
      // Prepare
      const lastOnes = alices.slice(96);
      const from = new Date(lastOnes[0]?.createdAt as string);

      // Act
      const { ids } = await allPages(records, alice, { since: from, limit: 1, order });

      // Assess
      expect(new Set(lastOnes.map((t) => listShardOf(t.id))).size).toBe(8);
      expect(ids).toEqual(order === "oldest" ? idsOf(lastOnes) : idsOf(lastOnes).reverse());
    },
  );

  it("leaves out what was created before `since`, newest first too", async () => {
    // Prepare
    const from = new Date(alices[100]?.createdAt as string);

    // Act
    const { ids } = await allPages(records, alice, { since: from, limit: 7, order: "newest" });

    // Assess
    expect(ids).toEqual(idsOf(alices).slice(100).reverse());
  });

  it("leaves out what was created before `since`", async () => {
    // Prepare
    const from = new Date(alices[100]?.createdAt as string);

    // Act
    const { ids } = await allPages(records, alice, { since: from, limit: 50 });

    // Assess
    expect(ids).toEqual(idsOf(alices).slice(100));
  });

  it("lists nothing for a caller with no tasks", async () => {
    expect(await records.list({ caller: "nobody", operator: false }, { since, limit: 10 })).toEqual(
      { tasks: [] },
    );
  });

  it("refuses a cursor it did not make", async () => {
    await expect(
      records.list(alice, { since, limit: 10, cursor: "bm90LWEtY3Vyc29y" }),
    ).rejects.toThrow(InvalidCursorError);
  });
});

describe("listing with filters", () => {
  let records: TaskRecords;
  let tasks: NewTask[];
  const failedAt = new Set([3, 17, 18, 40, 66, 67, 90, 111, 119]);

  beforeAll(async () => {
    records = await freshRecords(aws, { now: steppingClock(`${DAY}T09:00:00.000Z`).now });
    tasks = tasksOf(ALICE, 120).map((task, i) =>
      i % 10 === 0 ? { ...task, type: "sleep" } : task,
    );
    await createAll(records, tasks);
    for (const i of failedAt) {
      const id = tasks[i]?.id as string;
      await records.claimAttempt(id, 1, RUN);
      await records.fail(id, { generation: 1, runId: RUN }, { name: "E", message: "m" });
    }
  });

  const failedIds = () => tasks.filter((_, i) => failedAt.has(i)).map((t) => t.id);

  it("pages through a status filter that leaves out most tasks, missing none", async () => {
    // Act
    const { ids, pages } = await allPages(records, alice, {
      since,
      limit: 4,
      statuses: ["failed"],
    });

    // Assess
    expect(ids).toEqual(failedIds());
    expect(pages).toBeGreaterThan(1);
  });

  it.each<{ statuses: TaskStatus[] }>([
    { statuses: ["failed"] },
    { statuses: ["queued"] },
    { statuses: ["queued", "failed"] },
  ])("keeps exactly the tasks in $statuses", async ({ statuses }) => {
    // Act
    const { ids } = await allPages(records, alice, { since, limit: 100, statuses });

    // Assess
    const expected = tasks.filter((_, i) =>
      statuses.includes(failedAt.has(i) ? "failed" : "queued"),
    );
    expect(ids).toEqual(idsOf(expected));
  });

  it("keeps only the type asked for", async () => {
    // Act
    const { ids } = await allPages(records, alice, { since, limit: 5, type: "sleep" });

    // Assess
    expect(ids).toEqual(idsOf(tasks.filter((t) => t.type === "sleep")));
  });

  it("lists what the listing index projects: no input, the status and the error", async () => {
    // Act
    const page = await records.list(alice, { since, limit: 100, statuses: ["failed"] });

    // Assess
    expect(page.tasks[0]).toEqual({
      id: failedIds()[0],
      type: "echo",
      owner: ALICE,
      status: "failed",
      generation: 1,
      attempts: 1,
      createdAt: tasks[3]?.createdAt,
      updatedAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      error: { name: "E", message: "m" },
      listKey: `${tasks[3]?.createdAt}#${failedIds()[0]}`,
    });
  });
});

describe("outputs in a listing", () => {
  it("carries a small output, and only the location of a large one", async () => {
    // Prepare
    const records = await freshRecords(aws);
    const [small, large] = tasksOf(ALICE, 2);
    const s3Output = {
      kind: "s3" as const,
      bucket: "results",
      key: "runs/x/g1/output.json",
      bytes: 900_000,
    };
    for (const [task, output] of [
      [small, { kind: "inline" as const, value: { words: 3 } }],
      [large, s3Output],
    ] as const) {
      await recordIn(records, "running", task);
      await records.complete(
        task?.id as string,
        { generation: 1, runId: RUN },
        { output, polls: 0 },
      );
    }

    // Act
    const page = await records.list(alice, { since, limit: 10 });

    // Assess
    expect(page.tasks.map(({ output, outputLocation }) => ({ output, outputLocation }))).toEqual([
      { output: { kind: "inline", value: { words: 3 } }, outputLocation: undefined },
      {
        output: undefined,
        outputLocation: { bucket: "results", key: s3Output.key, bytes: 900_000 },
      },
    ]);
  });
});

describe("an operator's listing", () => {
  let records: TaskRecords;
  let all: NewTask[];

  beforeAll(async () => {
    const clock = steppingClock("2026-11-25T12:00:00.000Z");
    records = await freshRecords(aws, { now: clock.now });
    all = [
      ...tasksOf(ALICE, 9, "2026-11-23T23:59:55.000Z"),
      ...tasksOf(BOB, 7, "2026-11-24T12:00:00.000Z"),
      ...tasksOf(ALICE, 11, "2026-11-25T00:00:00.000Z"),
    ].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    await createAll(records, all);
  });

  it("lists every owner's tasks over several days, oldest first", async () => {
    // Act
    const page = await records.list(operator, {
      since: new Date("2026-11-23T00:00:00.000Z"),
      limit: 100,
    });

    // Assess
    expect(page.tasks.map((t) => t.id)).toEqual(idsOf(all));
    expect(new Set(page.tasks.map((t) => t.createdAt.slice(0, 10)))).toEqual(
      new Set(["2026-11-23", "2026-11-24", "2026-11-25"]),
    );
    expect(page.nextCursor).toBeUndefined();
  });

  it.each([1, 4, 9, 10])(
    "pages across the days' partitions %i at a time, with no gap and no repeat",
    async (limit) => {
      // Act
      const { ids } = await allPages(records, operator, {
        since: new Date("2026-11-23T00:00:00.000Z"),
        limit,
      });

      // Assess
      expect(ids).toEqual(idsOf(all));
    },
  );

  it.each([1, 4, 10])(
    "pages across the days' partitions newest first, %i at a time, with no gap and no repeat",
    async (limit) => {
      // Act
      const { ids } = await allPages(records, operator, {
        since: new Date("2026-11-23T00:00:00.000Z"),
        limit,
        order: "newest",
      });

      // Assess
      expect(ids).toEqual(idsOf(all).reverse());
    },
  );

  it("starts at `since`, also within a day", async () => {
    // Prepare
    const from = new Date("2026-11-24T00:00:00.000Z");

    // Act
    const { ids } = await allPages(records, operator, { since: from, limit: 5 });

    // Assess
    expect(ids).toEqual(idsOf(all.filter((t) => t.createdAt >= from.toISOString())));
  });

  it("is still one owner's listing for a caller who is not an operator", async () => {
    // Act
    const { ids } = await allPages(records, bob, {
      since: new Date("2026-11-23T00:00:00.000Z"),
      limit: 3,
    });

    // Assess
    expect(ids).toEqual(idsOf(all.filter((t) => t.owner === BOB)));
  });
});

describe("findUnsent", () => {
  it("finds the records still marked unsent since before the time, and only those", async () => {
    // Prepare
    const records = await freshRecords(aws, { now: steppingClock(`${DAY}T10:30:00.000Z`).now });
    const at = (time: string) => newTask({ createdAt: `${DAY}T${time}.000Z` });
    const [stranded, strandedToo, sent, recent, cancelled, claimed] = [
      at("10:00:00"),
      at("10:00:30"),
      at("10:00:01"),
      at("10:05:00"),
      at("10:00:02"),
      at("10:00:03"),
    ] as NewTask[];
    for (const task of [stranded, strandedToo, sent, recent, cancelled, claimed]) {
      await records.create(task as NewTask);
    }
    await records.markSent({ ...(sent as NewTask), generation: 1, unsentSince: sent?.createdAt });
    await records.cancel(cancelled?.id as string, alice);
    await records.claimAttempt(claimed?.id as string, 1, RUN);

    // Act
    const found = await records.findUnsent(new Date(`${DAY}T10:01:00.000Z`), 100);

    // Assess
    expect(found.map((r) => r.id).sort()).toEqual([stranded?.id, strandedToo?.id].sort());
    expect(found.every((r) => r.status === "queued" && r.unsentSince !== undefined)).toBe(true);
  });

  it("reads at most the limit per shard, oldest first", async () => {
    // Prepare
    const records = await freshRecords(aws);
    const ids = idsInShard(5, 4);
    const tasks = ids.map((id, i) => newTask({ id, createdAt: `${DAY}T10:00:0${i}.000Z` }));
    await createAll(records, tasks);

    // Act
    const found = await records.findUnsent(new Date(`${DAY}T11:00:00.000Z`), 2);

    // Assess
    expect(found.map((r) => r.id)).toEqual(ids.slice(0, 2));
  });
  it("reads every stranded record, past the 100 keys one BatchGetItem takes", async () => {
    // Prepare
    const records = await freshRecords(aws);
    const tasks = tasksOf(ALICE, 130);
    await createAll(records, tasks);

    // Act
    const found = await records.findUnsent(new Date(`${DAY}T11:00:00.000Z`), 100);

    // Assess
    expect(found.map((r) => r.id).sort()).toEqual(idsOf(tasks).sort());
    expect(found.every((r) => r.status === "queued" && r.unsentSince !== undefined)).toBe(true);
  });
});
