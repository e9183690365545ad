import { randomUUID } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  fingerprintSubmission,
  idempotentTaskId,
  parseEnvelope,
  type TaskEnvelope,
} from "@tasklane/shared-task";
import { TaskPayloads } from "@tasklane/task-store";
import { S3BlobStore } from "@tasklane/task-store/s3";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resendUnsent } from "../src/resendUnsent.js";
import { type SubmitDeps, submitTasks } from "../src/submitTasks.js";
import {
  drainQueue,
  keysIn,
  queueDepth,
  refusingSqs,
  throttled,
  watchedRecords,
} from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, payloads } = producerSuite();
let deps: SubmitDeps;

beforeAll(() => {
  deps = {
    records,
    payloads,
    sqs: aws.sqs,
    queueUrl: aws.queueUrl,
    inlineInputMaxBytes: 1_024,
    now: () => new Date(),
  };
});
beforeEach(() => aws.fauxqs.reset());

/** A caller of its own, so a test sees only its own tasks. */
const newCaller = () => `arn:aws:iam::123456789012:user/${randomUUID()}`;
const largeInput = (letter: string) => ({ text: `${letter} `.repeat(1_000) });
const since = new Date(Date.now() - 3_600_000);

async function envelopesInQueue(): Promise<TaskEnvelope[]> {
  return (await drainQueue(aws)).map((m) => parseEnvelope(m.body));
}

/** The ids of every task `caller` owns, from the owner's listing index. */
async function taskIdsOf(caller: string): Promise<string[]> {
  const page = await records.list({ caller, operator: false }, { since, limit: 100 });
  return page.tasks.map((t) => t.id);
}

describe("an accepted submission", () => {
  it("has a queued record, marked sent, and one envelope of generation 1 in the queue", async () => {
    // Prepare
    const caller = newCaller();

    // Act
    const [outcome] = await submitTasks(deps, caller, "req-1", [{ type: "echo", input: { n: 1 } }]);

    // Assess
    expect(outcome).toEqual({
      kind: "accepted",
      id: expect.any(String),
      type: "echo",
      replayed: false,
    });
    const id = (outcome as { id: string }).id;
    const record = await records.get(id);
    expect(record).toMatchObject({
      owner: caller,
      status: "queued",
      generation: 1,
      correlationId: "req-1",
      sentAt: expect.any(String),
    });
    expect(record?.unsentSince).toBeUndefined();
    const envelopes = await envelopesInQueue();
    expect(envelopes).toEqual([expect.objectContaining({ id, generation: 1, type: "echo" })]);
  });

  it("sends 25 tasks in three SendMessageBatch calls of 10, 10 and 5 entries", async () => {
    // Prepare
    const sqs = new SQSClient({});
    const sent: { command: string | undefined; entries: number | undefined }[] = [];
    // Counts what the real client sends; the request still goes to fauxqs unchanged.
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Entries?: unknown[] };
        sent.push({ command: context.commandName, entries: input.Entries?.length });
        return next(args);
      },
      { step: "initialize", name: "countCommands" },
    );
    const submissions = Array.from({ length: 25 }, (_, i) => ({ type: "echo", input: { i } }));

    // Act
    const outcomes = await submitTasks({ ...deps, sqs }, newCaller(), "req-25", submissions);

    // Assess
    expect(outcomes.filter((o) => o.kind === "accepted")).toHaveLength(25);
    expect(sent).toEqual([
      { command: "SendMessageBatchCommand", entries: 10 },
      { command: "SendMessageBatchCommand", entries: 10 },
      { command: "SendMessageBatchCommand", entries: 5 },
    ]);
    expect(await queueDepth(aws)).toBe(25);
    sqs.destroy();
  });

  it("keeps a large input in the payloads bucket, under the task id and the body's fingerprint", async () => {
    // Prepare
    const input = largeInput("l");

    // Act
    const [outcome] = await submitTasks(deps, newCaller(), "req-1", [
      { type: "word-count", input },
    ]);

    // Assess
    const id = (outcome as { id: string }).id;
    const [envelope] = await envelopesInQueue();
    expect(envelope?.input).toEqual({
      kind: "s3",
      bucket: aws.buckets.payloads,
      key: `inputs/${id}/${fingerprintSubmission({ type: "word-count", input })}.json`,
      bytes: expect.any(Number),
    });
    expect(await payloads.load(envelope?.input as never)).toEqual(input);
  });
});

describe.each([
  { sqs: "answering every entry Failed", make: () => refusingSqs().sqs, says: "SQS refused" },
  {
    sqs: "unreachable (a queue that does not exist)",
    make: () => aws.sqs,
    queueUrl: () => `${aws.queueUrl}-that-does-not-exist`,
    says: "SQS is unavailable",
  },
])("a submission with SQS $sqs", ({ make, queueUrl, says }) => {
  const refusing = () => ({ ...deps, sqs: make(), queueUrl: queueUrl?.() ?? aws.queueUrl });

  it("is answered unavailable and rolled back: no record, no stored input, no message", async () => {
    // Prepare
    const caller = newCaller();

    // Act
    const outcomes = await submitTasks(refusing(), caller, "req-1", [
      { type: "word-count", input: largeInput("a") },
      { type: "echo", input: { n: 1 } },
    ]);

    // Assess
    expect(outcomes).toEqual([
      { kind: "unavailable", detail: expect.stringContaining(says), rollback: "rolled-back" },
      { kind: "unavailable", detail: expect.stringContaining(says), rollback: "rolled-back" },
    ]);
    expect(await taskIdsOf(caller)).toEqual([]);
    expect(await keysIn(aws, aws.buckets.payloads)).toEqual([]);
    expect(await queueDepth(aws)).toBe(0);
  });

  it("with a key, is rolled back too, so a replay of the key creates and sends it whole", async () => {
    // Prepare
    const caller = newCaller();
    const submission = { type: "word-count", input: largeInput("k"), idempotencyKey: "k-503" };
    const [refused] = await submitTasks(refusing(), caller, "req-1", [submission]);
    expect(refused).toMatchObject({ kind: "unavailable", rollback: "rolled-back" });

    // Act
    const [replayed] = await submitTasks(deps, caller, "req-2", [submission]);

    // Assess
    expect(replayed).toMatchObject({
      kind: "accepted",
      id: idempotentTaskId("k-503", caller),
      replayed: false,
    });
    const envelopes = await envelopesInQueue();
    expect(envelopes.map((e) => e.correlationId)).toEqual(["req-2"]);
    expect(await payloads.load(envelopes[0]?.input as never)).toEqual(submission.input);
  });
});

describe("a refused submission whose rollback fails", () => {
  it("is left for the resend sweep, which sends it: the task is never lost", async () => {
    // Prepare
    const caller = newCaller();
    const table = watchedRecords(aws);
    table.failNext("DeleteItem", throttled);
    const [outcome] = await submitTasks(
      { ...deps, records: table.records, sqs: refusingSqs().sqs },
      caller,
      "req-1",
      [{ type: "echo", input: { n: 1 } }],
    );
    expect(outcome).toMatchObject({ kind: "unavailable", rollback: "left-for-resend" });
    const [id] = await taskIdsOf(caller);

    // Act
    const later = new Date(Date.now() + 5 * 60_000);
    const report = await resendUnsent({
      records,
      sqs: aws.sqs,
      queueUrl: aws.queueUrl,
      now: () => later,
    });

    // Assess
    expect(report).toMatchObject({ resent: 1, failed: 0 });
    expect((await envelopesInQueue()).map((e) => e.id)).toEqual([id]);
    expect((await records.get(id as string))?.unsentSince).toBeUndefined();
    table.destroy();
  });
});

describe("a create whose answer was lost", () => {
  it("undoes the record it may have written before answering unavailable", async () => {
    // Prepare: the put applied, then the connection dropped before the answer came.
    const caller = newCaller();
    const table = watchedRecords(aws);
    table.failNext("PutItem", throttled, true);

    // Act
    const [outcome] = await submitTasks({ ...deps, records: table.records }, caller, "req-1", [
      { type: "word-count", input: largeInput("p") },
    ]);

    // Assess
    expect(outcome).toMatchObject({ kind: "unavailable" });
    expect(table.calls).toContain("DeleteItem");
    expect(await taskIdsOf(caller)).toEqual([]);
    expect(await keysIn(aws, aws.buckets.payloads)).toEqual([]);
    expect(await queueDepth(aws)).toBe(0);
    table.destroy();
  });
});

describe("a submission S3 cannot store", () => {
  it("fails the request, sending nothing and undoing the other submissions' records", async () => {
    // Prepare
    const caller = newCaller();
    const broken = new TaskPayloads(new S3BlobStore(aws.s3), {
      ...aws.buckets,
      payloads: "no-such-bucket",
    });

    // Act
    const submitting = submitTasks({ ...deps, payloads: broken }, caller, "req-1", [
      { type: "echo", input: { n: 1 } },
      { type: "word-count", input: largeInput("s") },
    ]);

    // Assess
    await expect(submitting).rejects.toMatchObject({ name: "NoSuchBucket" });
    expect(await queueDepth(aws)).toBe(0);
    expect(await taskIdsOf(caller)).toEqual([]);
  });
});

describe("requests racing for one Idempotency-Key", () => {
  it("with ten different large bodies: one is accepted, nine conflict, and only its input is kept", async () => {
    // Prepare
    const caller = newCaller();
    const bodies = "abcdefghij".split("").map(largeInput);

    // Act
    const outcomes = (
      await Promise.all(
        bodies.map((input, i) =>
          submitTasks(deps, caller, `req-${i}`, [
            { type: "word-count", input, idempotencyKey: "race" },
          ]),
        ),
      )
    ).flat();

    // Assess
    const accepted = outcomes.filter((o) => o.kind === "accepted");
    expect(accepted).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "conflict")).toHaveLength(9);
    const envelopes = await envelopesInQueue();
    expect(envelopes).toHaveLength(1);
    const { correlationId, input } = envelopes[0] as TaskEnvelope;
    expect(await payloads.load(input)).toEqual(bodies[Number(correlationId.slice(4))]);
    expect(input.kind).toBe("s3");
    expect(await keysIn(aws, aws.buckets.payloads)).toEqual([(input as { key: string }).key]);
  });

  it("after the first request stopped before SQS took its envelope: the replay sends it", async () => {
    // Prepare: the first request wrote the record and died before sending.
    const caller = newCaller();
    const input = { n: 7 };
    const id = idempotentTaskId("stopped", caller);
    await records.create({
      id,
      type: "echo",
      owner: caller,
      input: { kind: "inline", value: input },
      fingerprint: fingerprintSubmission({ type: "echo", input }),
      correlationId: "req-first",
      createdAt: new Date().toISOString(),
      idempotencyKey: "stopped",
    });

    // Act
    const [replay] = await submitTasks(deps, caller, "req-second", [
      { type: "echo", input, idempotencyKey: "stopped" },
    ]);

    // Assess
    expect(replay).toEqual({ kind: "accepted", id, type: "echo", replayed: true });
    const envelopes = await envelopesInQueue();
    // The envelope is the first request's record's, with its correlation id.
    expect(envelopes.map((e) => [e.id, e.correlationId])).toEqual([[id, "req-first"]]);
    expect((await records.get(id))?.unsentSince).toBeUndefined();
  });

  it("after the first request was sent: the replay answers the same id and sends nothing", async () => {
    // Prepare
    const caller = newCaller();
    const submission = { type: "echo", input: { n: 8 }, idempotencyKey: "sent" };
    const [first] = await submitTasks(deps, caller, "req-1", [submission]);
    await envelopesInQueue();

    // Act
    const [replay] = await submitTasks(deps, caller, "req-2", [submission]);

    // Assess
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await queueDepth(aws)).toBe(1);
  });
});
