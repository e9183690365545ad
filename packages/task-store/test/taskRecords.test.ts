import {
  RETRYABLE_STATUSES,
  type TaskRecord,
  type TaskStatus,
  TIMELINE_EVENTS,
} from "@tasklane/shared-task";
import { readTaskItem } from "@tasklane/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import type { TaskRecords } from "../src/index.js";
import { fileEmulators } from "./helpers/fileEmulators.js";
import {
  ALICE,
  alice,
  BOB,
  bob,
  freshRecords,
  newTask,
  operator,
  RUN,
  recordIn,
  retriedFrom,
  seededRandom,
  steppingClock,
} from "./helpers/taskFixtures.js";

const aws = fileEmulators();
let records: TaskRecords;
const clock = steppingClock();

beforeAll(async () => {
  records = await freshRecords(aws, { now: clock.now });
});

const item = (id: string) => readTaskItem(aws.dynamodb, records.tableName, id);
const eventsOf = (record: TaskRecord | undefined) =>
  (record?.timeline ?? []).map((e) => `${e.event}@${e.generation}`);
const ERROR = { name: "TaskPermanentError", message: "bad data" };
const OUTPUT = { kind: "inline" as const, value: { done: true } };

describe("create", () => {
  it("writes a queued generation-1 record, marked unsent since its creation, with one queued event", async () => {
    // Prepare
    const task = newTask({ idempotencyKey: "order-1" });

    // Act
    const created = await records.create(task);

    // Assess
    expect(created).toEqual({ created: true, record: expect.objectContaining({ id: task.id }) });
    expect(await records.get(task.id)).toEqual({
      ...task,
      status: "queued",
      generation: 1,
      updatedAt: task.createdAt,
      attempts: 0,
      generationAttempts: 0,
      unsentSince: task.createdAt,
      sendToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timeline: [{ at: task.createdAt, generation: 1, event: "queued" }],
    });
  });

  it("knows its own put again when the SDK resends it after a lost answer, and only its own", async () => {
    // Prepare: a put that applied, then met again by its resend (a second create of the same record)
    const task = newTask();
    const first = await records.create(task);
    if (!first.created) throw new Error("the first create must apply");

    // Act: what the resend's condition failure is explained as, for this writer and another
    const other = await records.create(task);

    // Assess: another writer's create is refused, whatever its body
    expect(other).toEqual({ created: false, existing: expect.objectContaining({ id: task.id }) });
  });

  it("keys the item for the owner's listing, the day's listing and the unsent sweep", async () => {
    // Prepare
    const task = newTask();

    // Act
    await records.create(task);

    // Assess
    expect(await item(task.id)).toMatchObject({
      listKey: `${task.createdAt}#${task.id}`,
      ownerShard: expect.stringMatching(new RegExp(`^${ALICE}#[0-7]$`)),
      dayShard: expect.stringMatching(/^2026-11-25#[0-7]$/),
      unsentShard: expect.stringMatching(/^[0-7]$/),
      // JSON text, so a deep input survives DynamoDB's nesting limit and numbers stay exact.
      input: JSON.stringify(task.input),
    });
  });

  it("creates nothing over an existing id: the second create answers with the first record", async () => {
    // Prepare
    const first = newTask({ idempotencyKey: "k" });
    await records.create(first);
    const second = { ...first, fingerprint: "b".repeat(64), correlationId: "req-2" };

    // Act
    const again = await records.create(second);

    // Assess
    expect(again).toEqual({
      created: false,
      existing: expect.objectContaining({ fingerprint: first.fingerprint, correlationId: "req-1" }),
    });
    expect((await records.get(first.id))?.fingerprint).toBe(first.fingerprint);
  });

  it("of ten racing creates of one id, exactly one creates it", async () => {
    // Prepare
    const task = newTask();

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => records.create({ ...task, correlationId: `req-${i}` })),
    );

    // Assess
    const winners = results.filter((r) => r.created);
    expect(winners).toHaveLength(1);
    const stored = await records.get(task.id);
    expect(winners[0]?.record.correlationId).toBe(stored?.correlationId);
    for (const loser of results.filter((r) => !r.created)) {
      expect(loser).toEqual({ created: false, existing: stored });
    }
  });

  it("reads an unknown id as undefined", async () => {
    expect(await records.get(newTask().id)).toBeUndefined();
  });
});

describe("markSent", () => {
  it("clears the unsent mark only for the unsentSince that set it, and only once", async () => {
    // Prepare
    const { record } = (await records.create(newTask())) as { record: TaskRecord };

    // Act
    const wrongMark = await records.markSent({
      ...record,
      unsentSince: "2026-11-25T09:00:00.000Z",
    });
    const wrongGeneration = await records.markSent({ ...record, generation: 2 });
    const right = await records.markSent(record);
    const again = await records.markSent(record);

    // Assess
    expect([wrongMark, wrongGeneration, right, again]).toEqual([false, false, true, false]);
    const sent = await records.get(record.id);
    expect(sent?.unsentSince).toBeUndefined();
    expect(sent?.sentAt).toEqual(expect.any(String));
    expect(await item(record.id)).not.toHaveProperty("unsentShard");
  });
});

describe("deleteUnsent", () => {
  it("deletes an untouched, queued generation-1 record unsent by this request", async () => {
    // Prepare
    const { record } = (await records.create(newTask())) as { record: TaskRecord };

    // Act
    const deleted = await records.deleteUnsent(record);

    // Assess
    expect(deleted).toBe(true);
    expect(await records.get(record.id)).toBeUndefined();
  });

  describe.each<{ case: string; change: (r: TaskRecord) => Promise<unknown>; mark?: string }>([
    { case: "it was marked sent", change: (r) => records.markSent(r) },
    { case: "an execution claimed it", change: (r) => records.claimAttempt(r.id, 1, RUN) },
    { case: "it was cancelled", change: (r) => records.cancel(r.id, alice) },
    {
      case: "another request marked it",
      change: async () => undefined,
      mark: "2026-11-25T09:59:59.000Z",
    },
  ])("when $case", ({ change, mark }) => {
    it("deletes nothing", async () => {
      // Prepare
      const { record } = (await records.create(newTask())) as { record: TaskRecord };
      await change(record);

      // Act
      const deleted = await records.deleteUnsent({
        id: record.id,
        unsentSince: mark ?? (record.unsentSince as string),
      });

      // Assess
      expect(deleted).toBe(false);
      expect(await records.get(record.id)).toBeDefined();
    });
  });

  it("deletes nothing of a retried task: its generation is past 1", async () => {
    // Prepare
    const retried = await retriedFrom(records, "failed");
    const failed = retried.previous;

    // Act
    const deleted = await records.deleteUnsent(retried.record);

    // Assess
    expect(deleted).toBe(false);
    expect((await records.get(failed.id))?.generation).toBe(2);
  });
});

describe("retry", () => {
  it.each(RETRYABLE_STATUSES)(
    "moves a %s task to its next generation, queued and unsent, with one queued event",
    async (status) => {
      // Prepare
      const ended = await recordIn(records, status);

      // Act
      const result = await records.retry(ended.id, 1, alice);

      // Assess
      expect(result).toMatchObject({ ok: true, previous: { status, generation: 1 } });
      const stored = await records.get(ended.id);
      expect(result.ok && result.record).toEqual(stored);
      expect(stored).toMatchObject({
        status: "queued",
        generation: 2,
        generationAttempts: 0,
        attempts: ended.attempts,
        unsentSince: expect.any(String),
      });
      for (const gone of ["runId", "error", "finishedAt", "cancelledBy", "sentAt", "lastError"]) {
        expect(stored).not.toHaveProperty(gone);
      }
      expect(eventsOf(stored).at(-1)).toBe("queued@2");
      expect(stored?.timeline.at(-1)?.by).toBe(ALICE);
      expect(await item(ended.id)).toMatchObject({ unsentShard: expect.any(String) });
    },
  );

  it.each<TaskStatus>(["queued", "running", "succeeded"])(
    "refuses a %s task as a conflict and changes nothing",
    async (status) => {
      // Prepare
      const current = await recordIn(records, status);

      // Act
      const result = await records.retry(current.id, 1, alice);

      // Assess
      expect(result).toEqual({ ok: false, reason: "conflict", record: current });
      expect(await records.get(current.id)).toEqual(current);
    },
  );

  it("refuses a generation the task is no longer at", async () => {
    // Prepare
    const failed = await recordIn(records, "failed");
    await records.retry(failed.id, 1, alice);
    await records.cancel(failed.id, alice);

    // Act
    const stale = await records.retry(failed.id, 1, alice);

    // Assess
    expect(stale).toMatchObject({ ok: false, reason: "conflict", record: { generation: 2 } });
  });

  it("answers not-found to another owner and leaves the task as it was", async () => {
    // Prepare
    const failed = await recordIn(records, "failed");

    // Act
    const result = await records.retry(failed.id, 1, bob);

    // Assess
    expect(result).toEqual({ ok: false, reason: "not-found" });
    expect(await records.get(failed.id)).toEqual(failed);
  });

  it("lets an operator retry anyone's task", async () => {
    // Prepare
    const failed = await recordIn(records, "failed");

    // Act
    const result = await records.retry(failed.id, 1, operator);

    // Assess
    expect(result).toMatchObject({ ok: true, record: { generation: 2, owner: ALICE } });
  });

  it("of 8 concurrent retries of one generation, exactly one applies", async () => {
    // Prepare
    const failed = await recordIn(records, "failed");

    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, () => records.retry(failed.id, 1, alice)),
    );

    // Assess
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "conflict")).toHaveLength(7);
    const stored = await records.get(failed.id);
    expect(stored?.generation).toBe(2);
    expect(eventsOf(stored).filter((e) => e === "queued@2")).toHaveLength(1);
    expect(stored?.timeline).toHaveLength(failed.timeline.length + 1);
  });
});

describe("a change to a task that has no record", () => {
  it.each([
    ["retry", (id: string) => records.retry(id, 1, operator)],
    ["claimAttempt", (id: string) => records.claimAttempt(id, 1, RUN)],
  ] as const)("answers not-found to %s", async (_, change) => {
    expect(await change(newTask().id)).toEqual({ ok: false, reason: "not-found" });
  });
});

describe("restoreUnsentRetry", () => {
  it.each(RETRYABLE_STATUSES)(
    "ends a refused retry of a %s task as the generation before it ended, at the new generation",
    async (status) => {
      // Prepare
      const retried = await retriedFrom(records, status);
      const ended = retried.previous;

      // Act
      const restored = await records.restoreUnsentRetry(retried.record, retried.previous);

      // Assess
      expect(restored).toBe(true);
      const stored = await records.get(ended.id);
      expect(stored).toMatchObject({ status, generation: 2, finishedAt: ended.finishedAt });
      expect(stored?.error).toEqual(ended.error);
      expect(stored?.unsentSince).toBeUndefined();
      expect(eventsOf(stored).slice(-2)).toEqual(["queued@2", "not-enqueued@2"]);
      expect(await item(ended.id)).not.toHaveProperty("unsentShard");
    },
  );

  it("leaves the task retryable again, at the generation it kept", async () => {
    // Prepare
    const retried = await retriedFrom(records, "failed");
    const failed = retried.previous;
    await records.restoreUnsentRetry(retried.record, retried.previous);

    // Act
    const again = await records.retry(failed.id, 2, alice);

    // Assess
    expect(again).toMatchObject({ ok: true, record: { generation: 3, status: "queued" } });
  });

  it.each<{ case: string; change: (r: TaskRecord) => Promise<unknown> }>([
    { case: "SQS took it after all (marked sent)", change: (r) => records.markSent(r) },
    { case: "an execution claimed it", change: (r) => records.claimAttempt(r.id, 2, RUN) },
  ])("restores nothing once $case", async ({ change }) => {
    // Prepare
    const retried = await retriedFrom(records, "failed");
    const failed = retried.previous;
    await change(retried.record);
    const before = await records.get(failed.id);

    // Act
    const restored = await records.restoreUnsentRetry(retried.record, retried.previous);

    // Assess
    expect(restored).toBe(false);
    expect(await records.get(failed.id)).toEqual(before);
  });
});

describe("cancel", () => {
  it("cancels a queued task, clears its unsent mark and names who cancelled it", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const result = await records.cancel(queued.id, alice);

    // Assess
    expect(result).toMatchObject({
      ok: true,
      previous: { status: "queued" },
      record: { status: "cancelled", cancelledBy: ALICE },
    });
    const stored = await records.get(queued.id);
    expect(stored).toMatchObject({ status: "cancelled", cancelledBy: ALICE, generation: 1 });
    expect(stored?.unsentSince).toBeUndefined();
    expect(eventsOf(stored).at(-1)).toBe("cancelled@1");
  });

  it("cancels a running task and returns the run that may still be executing", async () => {
    // Prepare
    const running = await recordIn(records, "running");

    // Act
    const result = await records.cancel(running.id, alice);

    // Assess
    expect(result).toMatchObject({ ok: true, previous: { status: "running", runId: RUN } });
    expect((await records.get(running.id))?.status).toBe("cancelled");
  });

  it("answers not-found to another owner, and lets an operator cancel", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const byBob = await records.cancel(queued.id, bob);
    const byOperator = await records.cancel(queued.id, operator);

    // Assess
    expect(byBob).toEqual({ ok: false, reason: "not-found" });
    expect(byOperator).toMatchObject({ ok: true, record: { cancelledBy: operator.caller } });
  });

  it.each<TaskStatus>(["succeeded", "failed", "cancelled"])(
    "refuses a %s task as a conflict carrying the record, and changes nothing",
    async (status) => {
      // Prepare
      const ended = await recordIn(records, status);

      // Act
      const result = await records.cancel(ended.id, alice);

      // Assess
      expect(result).toEqual({ ok: false, reason: "conflict", record: ended });
      expect(await records.get(ended.id)).toEqual(ended);
    },
  );

  it("sets the TTL attribute when finished tasks expire", async () => {
    // Prepare
    const expiring = await freshRecords(aws, { resultExpirationDays: 7, now: clock.now });
    const queued = await recordIn(expiring, "queued");

    // Act
    const result = await expiring.cancel(queued.id, alice);

    // Assess
    const finishedAt = Date.parse((result.ok && result.record.finishedAt) || "");
    const stored = await readTaskItem(aws.dynamodb, expiring.tableName, queued.id);
    expect(stored?.expiresAt).toBe(Math.floor(finishedAt / 1000) + 7 * 86_400);
  });
});

describe("claimAttempt", () => {
  it("claims a queued generation for one run: running, with both attempt counters at 1", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const claimed = await records.claimAttempt(queued.id, 1, RUN);

    // Assess
    expect(claimed).toMatchObject({
      ok: true,
      status: "running",
      runId: RUN,
      attempts: 1,
      generationAttempts: 1,
      startedAt: expect.any(String),
    });
    expect(eventsOf(await records.get(queued.id)).at(-1)).toBe("attempt-started@1");
  });

  it("lets the same run claim again (a Standard retry): attempt 2, the deadline clock unmoved", async () => {
    // Prepare
    const running = await recordIn(records, "running");

    // Act
    const again = await records.claimAttempt(running.id, 1, RUN);

    // Assess
    expect(again).toMatchObject({
      ok: true,
      attempts: 2,
      generationAttempts: 2,
      startedAt: running.startedAt,
    });
    expect(again.ok && again.lastStartedAt).not.toBe(running.lastStartedAt);
  });

  it("counts concurrent claims of one run atomically", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => records.claimAttempt(queued.id, 1, RUN)),
    );

    // Assess
    expect(claims.every((c) => c.ok)).toBe(true);
    const counts = claims.map((c) => (c.ok ? c.attempts : 0)).sort((a, b) => a - b);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await records.get(queued.id))?.attempts).toBe(6);
  });

  it("of racing runs of one generation, exactly one claims it", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => records.claimAttempt(queued.id, 1, `run-${i}`)),
    );

    // Assess
    const winners = claims.filter((c) => c.ok);
    expect(winners).toHaveLength(1);
    const stored = await records.get(queued.id);
    expect(stored?.attempts).toBe(1);
    expect(winners[0]?.ok && winners[0].runId).toBe(stored?.runId);
  });

  it("refuses another run, showing the claim that holds", async () => {
    // Prepare
    const running = await recordIn(records, "running");

    // Act
    const other = await records.claimAttempt(running.id, 1, "run-2");

    // Assess
    expect(other).toMatchObject({ ok: false, reason: "conflict", record: { runId: RUN } });
    expect((await records.get(running.id))?.attempts).toBe(1);
  });

  it.each<{ case: string; status: TaskStatus; generation: number }>([
    { case: "a cancelled task", status: "cancelled", generation: 1 },
    { case: "a succeeded task", status: "succeeded", generation: 1 },
    { case: "a failed task", status: "failed", generation: 1 },
    { case: "another generation", status: "queued", generation: 2 },
  ])("refuses $case and counts nothing", async ({ status, generation }) => {
    // Prepare
    const current = await recordIn(records, status);

    // Act
    const claimed = await records.claimAttempt(current.id, generation, RUN);

    // Assess
    expect(claimed).toEqual({ ok: false, reason: "conflict", record: current });
  });

  it("keeps counting a retried task's attempts while its generation counts from 1", async () => {
    // Prepare
    const failed = await recordIn(records, "failed");
    await records.retry(failed.id, 1, alice);

    // Act
    const claimed = await records.claimAttempt(failed.id, 2, "run-g2");

    // Assess
    expect(claimed).toMatchObject({ ok: true, attempts: 2, generationAttempts: 1, generation: 2 });
  });

  it("clears the unsent mark: a task an execution claimed is not stranded", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    await records.claimAttempt(queued.id, 1, RUN);

    // Assess
    expect((await records.get(queued.id))?.unsentSince).toBeUndefined();
    expect(await item(queued.id)).not.toHaveProperty("unsentShard");
  });
});

describe("recordAttemptError", () => {
  it("notes the error for the owning run only", async () => {
    // Prepare
    const running = await recordIn(records, "running");
    const error = { name: "TaskRetryableError", message: "try again" };

    // Act
    const byOther = await records.recordAttemptError(
      running.id,
      { generation: 1, runId: "run-2", attempt: 1 },
      error,
      true,
    );
    const byOwner = await records.recordAttemptError(
      running.id,
      { generation: 1, runId: RUN, attempt: 1 },
      error,
      true,
    );

    // Assess
    expect([byOther, byOwner]).toEqual([false, true]);
    const stored = await records.get(running.id);
    expect(stored?.lastError).toEqual(error);
    expect(stored?.timeline.at(-1)).toMatchObject({
      event: "attempt-failed",
      attempt: 1,
      retryable: true,
      error,
    });
  });
});

describe("complete", () => {
  it("records the owning run's success once; a second complete changes nothing", async () => {
    // Prepare
    const running = await recordIn(records, "running");
    const run = { generation: 1, runId: RUN };

    // Act
    const first = await records.complete(running.id, run, { output: OUTPUT, polls: 2 });
    const second = await records.complete(running.id, run, {
      output: { kind: "inline", value: { other: true } },
      polls: 3,
    });

    // Assess
    expect([first, second]).toEqual([true, false]);
    const stored = await records.get(running.id);
    expect(stored).toMatchObject({ status: "succeeded", output: OUTPUT, polls: 2 });
    expect(stored?.finishedAt).toEqual(expect.any(String));
    expect(eventsOf(stored).filter((e) => e === "succeeded@1")).toHaveLength(1);
  });

  it("copies a small output for listings and only the location of a large one", async () => {
    // Prepare
    const [small, large] = [await recordIn(records, "running"), await recordIn(records, "running")];
    const s3Output = {
      kind: "s3" as const,
      bucket: aws.buckets.results,
      key: `runs/${large.id}/g1/output.json`,
      bytes: 900_000,
    };
    const run = { generation: 1, runId: RUN };

    // Act
    await records.complete(small.id, run, { output: OUTPUT, polls: 0 });
    await records.complete(large.id, run, { output: s3Output, polls: 0 });

    // Assess
    expect(await item(small.id)).toMatchObject({ listOutput: JSON.stringify(OUTPUT) });
    const largeItem = await item(large.id);
    expect(largeItem).not.toHaveProperty("listOutput");
    expect(largeItem).toMatchObject({
      outputLocation: { bucket: s3Output.bucket, key: s3Output.key, bytes: 900_000 },
    });
  });

  it.each<{ case: string; prepare: (r: TaskRecord) => Promise<unknown> }>([
    { case: "another run", prepare: async () => undefined },
    { case: "a cancelled task", prepare: (r) => records.cancel(r.id, alice) },
  ])("refuses $case, leaving the record as it is", async ({ case: which, prepare }) => {
    // Prepare
    const running = await recordIn(records, "running");
    await prepare(running);
    const before = await records.get(running.id);
    const runId = which === "another run" ? "run-2" : RUN;

    // Act
    const completed = await records.complete(
      running.id,
      { generation: 1, runId },
      { output: OUTPUT, polls: 0 },
    );

    // Assess
    expect(completed).toBe(false);
    expect(await records.get(running.id)).toEqual(before);
  });

  it("refuses a generation no run claimed", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const completed = await records.complete(
      queued.id,
      { generation: 1, runId: RUN },
      { output: OUTPUT, polls: 0 },
    );

    // Assess
    expect(completed).toBe(false);
    expect((await records.get(queued.id))?.status).toBe("queued");
  });
});

describe("fail", () => {
  it("records the owning run's failure once", async () => {
    // Prepare
    const running = await recordIn(records, "running");
    const run = { generation: 1, runId: RUN };

    // Act
    const first = await records.fail(running.id, run, ERROR);
    const second = await records.fail(running.id, run, { name: "Other", message: "later" });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await records.get(running.id)).toMatchObject({ status: "failed", error: ERROR });
  });

  it("lets any execution fail a generation no execution claimed", async () => {
    // Prepare
    const queued = await recordIn(records, "queued");

    // Act
    const failed = await records.fail(queued.id, { generation: 1, runId: "run-9" }, ERROR);

    // Assess
    expect(failed).toBe(true);
    const stored = await records.get(queued.id);
    expect(stored?.status).toBe("failed");
    // Ended, so the resend sweep has nothing to send for it.
    expect(stored?.unsentSince).toBeUndefined();
  });

  it.each<{ case: string; status: TaskStatus; runId: string | undefined }>([
    { case: "a cancellation", status: "cancelled", runId: RUN },
    { case: "a success", status: "succeeded", runId: RUN },
    { case: "another run's claim", status: "running", runId: "run-2" },
    { case: "a claim, without a run id", status: "running", runId: undefined },
  ])("never overwrites $case", async ({ status, runId }) => {
    // Prepare
    const current = await recordIn(records, status);

    // Act
    const failed = await records.fail(current.id, { generation: 1, runId }, ERROR);

    // Assess
    expect(failed).toBe(false);
    expect(await records.get(current.id)).toEqual(current);
  });
});

describe("the generation of a record", () => {
  type Op = (
    id: string,
    state: { seen: TaskRecord; lastRetry?: [TaskRecord, TaskRecord] },
  ) => Promise<unknown>;
  const runIds = ["run-a", "run-b"];
  const actors = [alice, bob, operator];

  it("never moves back, nor do its attempts, whatever sequence of writes it meets", async () => {
    // A seeded loop (this package has no fast-check): every failure names its seed and ops.
    let highest = 1;
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      const generationOf = (seen: TaskRecord) => Math.max(1, seen.generation + random.int(3) - 1);
      const ops: Record<string, Op> = {
        retry: (id, s) => records.retry(id, generationOf(s.seen), random.pick(actors)),
        restore: async (_id, s) => s.lastRetry && records.restoreUnsentRetry(...s.lastRetry),
        cancel: (id) => records.cancel(id, random.pick(actors)),
        claim: (id, s) => records.claimAttempt(id, generationOf(s.seen), random.pick(runIds)),
        complete: (id, s) =>
          records.complete(
            id,
            { generation: generationOf(s.seen), runId: random.pick(runIds) },
            { output: OUTPUT, polls: 0 },
          ),
        fail: (id, s) =>
          records.fail(
            id,
            { generation: generationOf(s.seen), runId: random.pick([...runIds, undefined]) },
            ERROR,
          ),
        markSent: (_id, s) => records.markSent(s.seen),
      };
      const names = Object.keys(ops);
      // Prepare
      const task = newTask({ owner: random.pick([ALICE, BOB]) });
      await records.create(task);
      let seen = (await records.get(task.id)) as TaskRecord;
      let lastRetry: [TaskRecord, TaskRecord] | undefined;
      const done: string[] = [];

      for (let step = 0; step < 14; step++) {
        const name = random.pick(names);
        done.push(name);
        // Act
        const result = await (ops[name] as Op)(task.id, {
          seen,
          ...(lastRetry ? { lastRetry } : {}),
        });
        if (name === "retry" && (result as { ok: boolean }).ok) {
          const moved = result as { record: TaskRecord; previous: TaskRecord };
          lastRetry = [moved.record, moved.previous];
        }
        // Assess
        const now = (await records.get(task.id)) as TaskRecord;
        const where = `seed ${seed}, after ${done.join(", ")}`;
        expect(now.generation, where).toBeGreaterThanOrEqual(seen.generation);
        expect(now.attempts, where).toBeGreaterThanOrEqual(seen.attempts);
        expect(now.timeline.length, where).toBeGreaterThanOrEqual(seen.timeline.length);
        expect(TIMELINE_EVENTS).toEqual(expect.arrayContaining(now.timeline.map((e) => e.event)));
        seen = now;
        highest = Math.max(highest, now.generation);
      }
    }
    // The sequences did reach retried generations, so the property was put to the test.
    expect(highest).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
