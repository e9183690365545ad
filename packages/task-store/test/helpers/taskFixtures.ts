import { randomUUID } from "node:crypto";
import {
  fingerprintSubmission,
  type JsonValue,
  listShardOf,
  newTaskId,
  type TaskRecord,
  type TaskStatus,
} from "@tasklane/shared-task";
import { type AwsEmulators, createTaskTable } from "@tasklane/test-support";
import { type Actor, type NewTask, TaskRecords, tableClient } from "../../src/index.js";

export const ALICE = "arn:aws:iam::123456789012:user/alice";
export const BOB = "arn:aws:iam::123456789012:user/bob";
export const alice: Actor = { caller: ALICE, operator: false };
export const bob: Actor = { caller: BOB, operator: false };
export const operator: Actor = { caller: "arn:aws:iam::123456789012:role/ops", operator: true };

/** A clock the test sets by hand; each reading is a millisecond after the last, like time. */
export function steppingClock(start = "2026-11-25T10:00:00.000Z") {
  let at = Date.parse(start);
  return {
    now: () => new Date(at++),
    set(iso: string) {
      at = Date.parse(iso);
    },
  };
}

/** A new task of `owner` as the producer makes it; override any field. */
export function newTask(overrides: Partial<NewTask> = {}): NewTask {
  const input: JsonValue = { n: 1 };
  return {
    id: newTaskId(),
    type: "echo",
    owner: ALICE,
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type: "echo", input }),
    correlationId: "req-1",
    createdAt: "2026-11-25T10:00:00.000Z",
    ...overrides,
  };
}

/** A fresh tasks table in dynalite, and `TaskRecords` over it with the clock given. */
export async function freshRecords(
  aws: AwsEmulators,
  options: { now?: () => Date; resultExpirationDays?: number } = {},
): Promise<TaskRecords> {
  const tableName = `tasks-${randomUUID()}`;
  await createTaskTable(aws.dynamodb, tableName);
  return new TaskRecords(tableClient(aws.dynamodb), { tableName, ...options });
}

/** Ids whose listing shard is `shard`, as many as asked. */
export function idsInShard(shard: number, count: number): string[] {
  const ids: string[] = [];
  while (ids.length < count) {
    const id = newTaskId();
    if (listShardOf(id) === shard) ids.push(id);
  }
  return ids;
}

export const RUN = "run-1";

/**
 * Creates a task and moves it to `status` through the writes that get it there: a claim by
 * `RUN` (running), then its success or failure; or a cancellation by its owner.
 */
export async function recordIn(
  records: TaskRecords,
  status: TaskStatus,
  task: NewTask = newTask(),
): Promise<TaskRecord> {
  const created = await records.create(task);
  if (!created.created) throw new Error(`task ${task.id} exists already`);
  if (status === "cancelled") {
    await mustApply(records.cancel(task.id, { caller: task.owner, operator: false }));
  }
  if (status === "running" || status === "succeeded" || status === "failed") {
    await mustApply(records.claimAttempt(task.id, 1, RUN));
  }
  if (status === "succeeded") {
    const output = { kind: "inline" as const, value: { done: true } };
    if (!(await records.complete(task.id, { generation: 1, runId: RUN }, { output, polls: 0 }))) {
      throw new Error(`task ${task.id} could not complete`);
    }
  }
  if (status === "failed") {
    const error = { name: "TaskPermanentError", message: "bad data" };
    if (!(await records.fail(task.id, { generation: 1, runId: RUN }, error))) {
      throw new Error(`task ${task.id} could not fail`);
    }
  }
  const record = await records.get(task.id);
  if (record?.status !== status) throw new Error(`task ${task.id} is not ${status}`);
  return record;
}

/** A task moved to `status` (failed or cancelled), then retried by its owner: the new record and the one it replaced. */
export async function retriedFrom(
  records: TaskRecords,
  status: "failed" | "cancelled",
): Promise<{ record: TaskRecord; previous: TaskRecord }> {
  const ended = await recordIn(records, status);
  const retried = await records.retry(ended.id, 1, { caller: ended.owner, operator: false });
  if (!retried.ok) throw new Error(`the retry of task ${ended.id} did not apply`);
  return retried;
}

async function mustApply(change: Promise<{ ok: boolean }>): Promise<void> {
  const result = await change;
  if (!result.ok) throw new Error(`a setup write did not apply: ${JSON.stringify(result)}`);
}

/** A PRNG with a seed (mulberry32), so a failing sequence can be replayed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
