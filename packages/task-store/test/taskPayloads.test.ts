import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { fingerprintSubmission, newTaskId, s3Keys } from "@tasklane/shared-task";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TaskPayloads } from "../src/index.js";
import { S3BlobStore } from "../src/s3.js";
import { s3ObjectsOnDemand } from "../src/s3ObjectsOnDemand.js";
import { fileEmulators } from "./helpers/fileEmulators.js";

const aws = fileEmulators();
let payloads: TaskPayloads;

beforeAll(async () => {
  payloads = new TaskPayloads(new S3BlobStore(aws.s3), aws.buckets);
});
beforeEach(() => aws.fauxqs.reset());

async function keysIn(bucket: string): Promise<string[]> {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? "");
}

describe("S3BlobStore", () => {
  it("reads a missing object as undefined, not as an error", async () => {
    // Prepare
    const blobs = new S3BlobStore(aws.s3);

    // Act
    const text = await blobs.getText({ bucket: aws.buckets.results, key: "runs/none.json" });

    // Assess
    expect(text).toBeUndefined();
  });

  it("writes and reads back a document, the empty one included", async () => {
    // Prepare
    const blobs = new S3BlobStore(aws.s3);

    // Act
    await blobs.putText({ bucket: aws.buckets.results, key: "a.json" }, '{"a":1}');
    await blobs.putText({ bucket: aws.buckets.results, key: "empty" }, "");

    // Assess
    expect(await blobs.getText({ bucket: aws.buckets.results, key: "a.json" })).toBe('{"a":1}');
    expect(await blobs.getText({ bucket: aws.buckets.results, key: "empty" })).toBe("");
  });
});

describe("s3ObjectsOnDemand", () => {
  it("makes its S3 client on first use, and then reads, writes and deletes as S3BlobStore does", async () => {
    // Prepare: one store over an endpoint nothing listens on, one over the emulator.
    const location = { bucket: aws.buckets.results, key: "on-demand.json" };
    const closed = s3ObjectsOnDemand({ endpoint: "http://127.0.0.1:1", maxAttempts: 1 });
    const objects = s3ObjectsOnDemand();

    // Act
    const refused = await closed.getText(location).catch((error: Error) => error);
    await objects.putText(location, '{"b":2}');
    const read = await objects.getText(location);
    await objects.delete(location);

    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect(read).toBe('{"b":2}');
    expect(await objects.getText(location)).toBeUndefined();
    expect(await keysIn(aws.buckets.results)).not.toContain(location.key);
  });
});

describe("TaskPayloads", () => {
  it("stores a large input under the task id and the submission's fingerprint, and loads it back", async () => {
    // Prepare
    const id = newTaskId();
    const value = { text: "hello" };
    const fingerprint = fingerprintSubmission({ type: "echo", input: value });

    // Act
    const payload = await payloads.putInput(id, fingerprint, value, 16);

    // Assess
    expect(payload).toEqual({
      kind: "s3",
      bucket: aws.buckets.payloads,
      key: `inputs/${id}/${fingerprint}.json`,
      bytes: 16,
    });
    expect(await payloads.load(payload)).toEqual(value);
  });

  it("keeps the inputs of two bodies sent for one task id apart", async () => {
    // Prepare
    const id = newTaskId();
    const [first, second] = [{ text: "first" }, { text: "second" }];

    // Act
    const a = await payloads.putInput(
      id,
      fingerprintSubmission({ type: "echo", input: first }),
      first,
      16,
    );
    const b = await payloads.putInput(
      id,
      fingerprintSubmission({ type: "echo", input: second }),
      second,
      17,
    );

    // Assess
    expect(await payloads.load(a)).toEqual(first);
    expect(await payloads.load(b)).toEqual(second);
  });

  it("loads an inline payload without asking S3", async () => {
    // Prepare
    const offline = new TaskPayloads(new S3BlobStore(aws.s3), {
      payloads: "no-such-bucket",
      results: "none",
    });

    // Act
    const value = await offline.load({ kind: "inline", value: [1, 2] });

    // Assess
    expect(value).toEqual([1, 2]);
  });

  it("deletes an input it stored, and does nothing for an inline one", async () => {
    // Prepare
    const payload = await payloads.putInput(newTaskId(), "f".repeat(64), { big: true }, 12);

    // Act
    await payloads.deleteInput(payload);
    await payloads.deleteInput({ kind: "inline", value: 1 });

    // Assess
    expect(await keysIn(aws.buckets.payloads)).toEqual([]);
  });

  it.each([
    [
      "an object of the results bucket",
      () => aws.buckets.results,
      `runs/${newTaskId()}/g1/output.json`,
    ],
    [
      "a payloads object that is not an input",
      () => aws.buckets.payloads,
      `states/${newTaskId()}/g1/0.json`,
    ],
  ])("refuses to delete %s", async (_case, bucket, key) => {
    // Act
    const deleting = payloads.deleteInput({ kind: "s3", bucket: bucket(), key, bytes: 1 });

    // Assess
    await expect(deleting).rejects.toThrow(`s3://${bucket()}/${key} is not a task input`);
  });

  it("names what is wrong with an input key it cannot build", async () => {
    await expect(payloads.putInput("not-an-id", "f".repeat(64), {}, 2)).rejects.toThrow(
      'not a task id: "not-an-id"',
    );
    expect(() => s3Keys.input(newTaskId(), "abc")).toThrow('not a submission fingerprint: "abc"');
  });
});
