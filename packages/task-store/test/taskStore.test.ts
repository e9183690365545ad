import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  executionName,
  fingerprintSubmission,
  newTaskId,
  s3Keys,
  type TaskRecord,
} from "@tasklane/shared-task";
import { type AwsEmulators, startAwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CorruptRecordError,
  executionArnFor,
  readTaskView,
  S3BlobStore,
  TaskStore,
} from "../src/index.js";

let aws: AwsEmulators;
let store: TaskStore;
let sfn: SFNClient;

beforeAll(async () => {
  aws = await startAwsEmulators();
  store = new TaskStore(aws.s3, aws.buckets);
  sfn = new SFNClient({});
});
afterAll(async () => {
  sfn.destroy();
  await aws.stop();
});
beforeEach(() => {
  aws.fauxqs.reset();
  aws.stepFunctions.reset();
});

async function keysIn(bucket: string): Promise<string[]> {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? "");
}

function record(createdAt: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    v: 1,
    id: newTaskId(),
    type: "echo",
    generation: 1,
    createdAt,
    updatedAt: createdAt,
    input: { kind: "inline", value: {} },
    fingerprint: "a".repeat(64),
    correlationId: "c",
    ...overrides,
  };
}

describe("S3BlobStore", () => {
  it("reads a missing object as undefined, not as an error", async () => {
    const blobs = new S3BlobStore(aws.s3);

    expect(
      await blobs.getText({ bucket: aws.buckets.results, key: "tasks/none.json" }),
    ).toBeUndefined();
  });

  it("writes and reads back a document, the empty one included", async () => {
    const blobs = new S3BlobStore(aws.s3);

    await blobs.putText({ bucket: aws.buckets.results, key: "a.json" }, '{"a":1}');
    await blobs.putText({ bucket: aws.buckets.results, key: "empty" }, "");

    expect(await blobs.getText({ bucket: aws.buckets.results, key: "a.json" })).toBe('{"a":1}');
    expect(await blobs.getText({ bucket: aws.buckets.results, key: "empty" })).toBe("");
  });
});

describe("TaskStore", () => {
  it("round-trips a task record and reports none for an unknown id", async () => {
    const saved = record("2026-11-25T10:00:00.000Z");

    await store.putRecord(saved, { create: true });

    expect(await store.getRecord(saved.id)).toEqual(saved);
    expect(await store.getRecord(newTaskId())).toBeUndefined();
  });

  it("refuses a stored record that breaks its schema, naming the object", async () => {
    const id = newTaskId();
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: aws.buckets.results,
        Key: s3Keys.taskRecord(id),
        Body: '{"v":1}',
      }),
    );

    await expect(store.getRecord(id)).rejects.toThrow(CorruptRecordError);
    await expect(store.getRecord(id)).rejects.toThrow(s3Keys.taskRecord(id));
  });

  it("keeps a large input in the payloads bucket and loads it back through its reference", async () => {
    const id = newTaskId();
    const fingerprint = fingerprintSubmission({ type: "echo", input: { text: "hello" } });

    const payload = await store.putInput(id, fingerprint, { text: "hello" }, 16);

    expect(payload).toEqual({
      kind: "s3",
      bucket: aws.buckets.payloads,
      key: `inputs/${id}/${fingerprint}.json`,
      bytes: 16,
    });
    expect(await store.loadPayload(payload)).toEqual({ text: "hello" });
  });

  it("keeps the inputs of two bodies sent for one task id apart", async () => {
    const id = newTaskId();
    const [first, second] = [{ text: "first" }, { text: "second" }];

    const a = await store.putInput(
      id,
      fingerprintSubmission({ type: "echo", input: first }),
      first,
      16,
    );
    const b = await store.putInput(
      id,
      fingerprintSubmission({ type: "echo", input: second }),
      second,
      17,
    );

    expect(await store.loadPayload(a)).toEqual(first);
    expect(await store.loadPayload(b)).toEqual(second);
  });

  it("deletes an input it stored, and refuses to delete anything that is not one", async () => {
    const id = newTaskId();
    const payload = await store.putInput(id, "f".repeat(64), { big: true }, 12);

    await store.deleteInput(payload);
    await store.deleteInput({ kind: "inline", value: 1 });

    expect(await keysIn(aws.buckets.payloads)).toEqual([]);
    await expect(
      store.deleteInput({
        kind: "s3",
        bucket: aws.buckets.results,
        key: s3Keys.taskRecord(id),
        bytes: 1,
      }),
    ).rejects.toThrow(`s3://${aws.buckets.results}/${s3Keys.taskRecord(id)} is not a task input`);
  });

  it("names what is wrong with an input key it cannot build", () => {
    expect(() => s3Keys.input("not-an-id", "f".repeat(64))).toThrow('not a task id: "not-an-id"');
    expect(() => s3Keys.input(newTaskId(), "abc")).toThrow('not a submission fingerprint: "abc"');
  });

  it("removes a task from the creation-time index", async () => {
    const saved = record("2026-11-25T10:00:00.000Z");
    await store.indexCreated(saved);

    await store.deleteCreatedIndex(saved);

    const page = await store.listCreatedSince(new Date("2026-11-25T00:00:00.000Z"), { limit: 10 });
    expect(page.entries).toEqual([]);
  });

  it("lists tasks created since a time, oldest first, page by page, whatever their id", async () => {
    const times = [
      "2026-11-25T09:00:00.000Z",
      "2026-11-25T10:00:00.000Z",
      "2026-11-25T10:00:00.001Z",
      "2026-11-25T11:30:00.000Z",
    ];
    // An id made from an Idempotency-Key (UUIDv5) sorts anywhere; the index orders by time.
    const records = times.map((t, i) =>
      record(t, i === 2 ? { id: "ffffffff-0000-5000-8000-000000000000" } : {}),
    );
    await Promise.all(records.map((r) => store.indexCreated(r)));

    const first = await store.listCreatedSince(new Date("2026-11-25T10:00:00.000Z"), { limit: 2 });
    const second = await store.listCreatedSince(new Date("2026-11-25T10:00:00.000Z"), {
      limit: 2,
      cursor: first.cursor,
    });

    expect(first.entries.map((e) => e.taskId)).toEqual([records[1]?.id, records[2]?.id]);
    expect(first.cursor).toBeDefined();
    expect(second.entries.map((e) => e.taskId)).toEqual([records[3]?.id]);
    expect(second.cursor).toBeUndefined();
  });

  it("stores a cancellation marker per generation", async () => {
    const id = newTaskId();

    await store.putCancellation({ id, generation: 2, cancelledAt: "2026-11-25T10:00:00.000Z" });

    expect(await store.getCancellation(id, 2)).toMatchObject({ generation: 2 });
    expect(await store.getCancellation(id, 1)).toBeUndefined();
  });
});

describe("readTaskView", () => {
  const deps = () => ({ store, sfn, stateMachineArn: aws.stepFunctions.stateMachineArn });

  it("shows a task whose record has no key as queued until it runs", async () => {
    const saved = record(new Date().toISOString());
    await store.putRecord(saved);

    expect(await readTaskView(deps(), saved.id)).toMatchObject({ id: saved.id, status: "queued" });
  });

  it("does not show a keyed submission whose envelope never reached SQS (it was answered 503)", async () => {
    const unsent = record(new Date().toISOString(), { idempotencyKey: "order-1" });
    await store.putRecord(unsent);

    expect(await readTaskView(deps(), unsent.id)).toBeUndefined();
  });

  it("shows a keyed submission once its envelope is in SQS", async () => {
    const sent = record(new Date().toISOString(), {
      idempotencyKey: "order-2",
      enqueuedAt: new Date().toISOString(),
    });
    await store.putRecord(sent);

    expect(await readTaskView(deps(), sent.id)).toMatchObject({ id: sent.id, status: "queued" });
  });

  it("shows a keyed submission whose `enqueuedAt` write failed, once its execution started", async () => {
    const started = record(new Date().toISOString(), { idempotencyKey: "order-3" });
    await store.putRecord(started);
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: aws.stepFunctions.stateMachineArn,
        name: executionName(started.id, 1),
        input: "{}",
      }),
    );

    expect(await readTaskView(deps(), started.id)).toMatchObject({
      id: started.id,
      status: "running",
    });
  });
});

describe("executionArnFor", () => {
  it("derives an execution's ARN from its state machine's, as Step Functions does", () => {
    expect(
      executionArnFor(
        "arn:aws:states:eu-west-1:123456789012:stateMachine:tasklane-prod-workflow",
        "x-g1",
      ),
    ).toBe("arn:aws:states:eu-west-1:123456789012:execution:tasklane-prod-workflow:x-g1");
    expect(() => executionArnFor("arn:aws:lambda:eu-west-1:123456789012:function:f", "x")).toThrow(
      "not a state machine ARN",
    );
  });
});
