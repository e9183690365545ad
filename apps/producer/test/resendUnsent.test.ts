import { randomUUID } from "node:crypto";
import { listShardOf, newTaskId, parseEnvelope } from "@tasklane/shared-task";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import {
  captureJsonLines,
  createTaskTable,
  type JsonLine,
  lambdaContext,
  metricsIn,
} from "@tasklane/test-support";
import type { ScheduledEvent } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { type ResendDeps, resendUnsent, UNSENT_LEASE_SECONDS } from "../src/resendUnsent.js";
import { drainQueue, refusingSqs } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";
import { unsentRecord } from "./helpers/unsentRecord.js";

const OWNER = "arn:aws:iam::123456789012:user/alice";

const { aws } = producerSuite({ metrics: true });
const lines: JsonLine[] = [];
beforeEach(() => {
  aws.fauxqs.reset();
  // The handlers publish metrics as EMF lines on stdout.
  return captureJsonLines(lines);
});

/** A table of the test's own, so a sweep finds only what the test left in it. */
async function freshRecords(): Promise<TaskRecords> {
  const tableName = `tasks-${randomUUID()}`;
  await createTaskTable(aws.dynamodb, tableName);
  return new TaskRecords(tableClient(aws.dynamodb), { tableName });
}

/** A record a sender wrote `ageSeconds` ago and never heard back from SQS about. */
const stranded = (records: TaskRecords, ageSeconds: number, id = newTaskId()) =>
  unsentRecord(records, {
    id,
    owner: OWNER,
    input: { n: ageSeconds },
    correlationId: "req-stranded",
    createdAt: new Date(Date.now() - ageSeconds * 1000).toISOString(),
  });

const depsOf = (records: TaskRecords, overrides: Partial<ResendDeps> = {}): ResendDeps => ({
  records,
  sqs: aws.sqs,
  queueUrl: aws.queueUrl,
  now: () => new Date(),
  ...overrides,
});

describe("resendUnsent", () => {
  it("sends a record left unsent past the lease, and clears its mark", async () => {
    // Prepare
    const records = await freshRecords();
    const task = await stranded(records, UNSENT_LEASE_SECONDS + 30);

    // Act
    const report = await resendUnsent(depsOf(records));

    // Assess
    expect(report).toEqual({ found: 1, resent: 1, failed: 0 });
    const messages = await drainQueue(aws);
    expect(messages.map((m) => parseEnvelope(m.body))).toEqual([
      expect.objectContaining({ id: task.id, generation: 1, correlationId: "req-stranded" }),
    ]);
    const record = await records.get(task.id);
    expect(record?.unsentSince).toBeUndefined();
    expect(record?.sentAt).toEqual(expect.any(String));
    expect(await resendUnsent(depsOf(records))).toEqual({ found: 0, resent: 0, failed: 0 });
  });

  it("leaves a record within the lease to the sender that may still be sending it", async () => {
    // Prepare
    const records = await freshRecords();
    await stranded(records, 5);

    // Act
    const report = await resendUnsent(depsOf(records));

    // Assess
    expect(report).toEqual({ found: 0, resent: 0, failed: 0 });
    expect(await drainQueue(aws)).toEqual([]);
  });

  it.each([
    {
      case: "a cancelled task",
      change: (records: TaskRecords, id: string) =>
        records.cancel(id, { caller: OWNER, operator: false }),
    },
    {
      case: "a task an execution already claimed",
      change: (records: TaskRecords, id: string) => records.claimAttempt(id, 1, "run-1"),
    },
    {
      case: "a rolled-back submission",
      change: (records: TaskRecords, id: string) =>
        records.get(id).then((r) => r && records.deleteUnsent(r)),
    },
  ])("does not send $case", async ({ change }) => {
    // Prepare
    const records = await freshRecords();
    const task = await stranded(records, UNSENT_LEASE_SECONDS * 2);
    await change(records, task.id);

    // Act
    const report = await resendUnsent(depsOf(records));

    // Assess
    expect(report).toEqual({ found: 0, resent: 0, failed: 0 });
    expect(await drainQueue(aws)).toEqual([]);
  });

  it("keeps the mark of a record SQS refused, so the next sweep tries it again", async () => {
    // Prepare
    const records = await freshRecords();
    const task = await stranded(records, UNSENT_LEASE_SECONDS * 2);

    // Act
    const refused = await resendUnsent(depsOf(records, { sqs: refusingSqs().sqs }));
    const next = await resendUnsent(depsOf(records));

    // Assess
    expect(refused).toEqual({ found: 1, resent: 0, failed: 1 });
    expect(next).toEqual({ found: 1, resent: 1, failed: 0 });
    expect((await drainQueue(aws)).map((m) => m.body.id)).toEqual([task.id]);
  });

  it("reaches a stranded task behind more started ones in its shard than one sweep reads", async () => {
    // Prepare: 101 tasks whose mark-sent write failed, all in one shard (a sweep reads 100
    // per shard, oldest first); an execution claimed each of them, then one more is stranded.
    const records = await freshRecords();
    const sameShard = () => {
      for (;;) {
        const id = newTaskId();
        if (listShardOf(id) === 3) return id;
      }
    };
    for (let batch = 0; batch < 101; batch += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, 101 - batch) }, async (_, i) => {
          const task = await stranded(records, 3_600 - batch - i, sameShard());
          await records.claimAttempt(task.id, 1, "run-1");
        }),
      );
    }
    const waiting = await stranded(records, UNSENT_LEASE_SECONDS * 2, sameShard());

    // Act
    const report = await resendUnsent(depsOf(records));

    // Assess
    expect(report).toEqual({ found: 1, resent: 1, failed: 0 });
    expect((await drainQueue(aws)).map((m) => m.body.id)).toEqual([waiting.id]);
  });

  it("sends a retried generation stranded unsent, under that generation", async () => {
    // Prepare
    const records = await freshRecords();
    const task = await stranded(records, 5);
    await records.claimAttempt(task.id, 1, "run-1");
    await records.fail(task.id, { generation: 1, runId: "run-1" }, { name: "E", message: "m" });
    await records.retry(task.id, 1, { caller: OWNER, operator: false });
    const later = new Date(Date.now() + UNSENT_LEASE_SECONDS * 2_000);

    // Act
    const report = await resendUnsent(depsOf(records, { now: () => later }));

    // Assess
    expect(report).toMatchObject({ resent: 1 });
    expect((await drainQueue(aws)).map((m) => m.body.generation)).toEqual([2]);
  });
});

describe("the resend-unsent handler", () => {
  it("sweeps the stack's table and counts what it resent", async () => {
    // Prepare
    const records = new TaskRecords(tableClient(aws.dynamodb), { tableName: aws.tableName });
    const task = await stranded(records, UNSENT_LEASE_SECONDS + 30);
    const { handler } = await import("../src/handlers/resendUnsent.js");

    // Act
    await handler({} as ScheduledEvent, lambdaContext("tasklane-resend-unsent"));

    // Assess
    expect((await drainQueue(aws)).map((m) => m.body.id)).toEqual([task.id]);
    expect(metricsIn(lines)).toEqual({
      StrandedTasksResent: 1,
      StrandedResendsFailed: 0,
    });
  });
});
