import { SQSClient } from "@aws-sdk/client-sqs";
import { parseEnvelope, type TaskEnvelope, type TaskRecord } from "@tasklane/shared-task";
import { ObjectExistsError, TaskStore } from "@tasklane/task-store";
import type { AwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SubmitDeps, submitTasks } from "../src/submitTasks.js";
import {
  keysIn,
  queueDepth,
  receiveAll,
  startProducerEnvironment,
} from "./helpers/producerEnvironment.js";

const CALLER = "arn:aws:iam::123456789012:user/alice";

let aws: AwsEmulators;
let deps: SubmitDeps;

beforeAll(async () => {
  aws = await startProducerEnvironment();
  deps = {
    store: new TaskStore(aws.s3, aws.buckets),
    sqs: aws.sqs,
    queueUrl: aws.queueUrl,
    inlineInputMaxBytes: 1_024,
    now: () => new Date(),
  };
});
afterAll(() => aws.stop());
beforeEach(() => aws.fauxqs.reset());

const largeInput = (letter: string) => ({ text: `${letter} `.repeat(1_000) });

async function envelopesInQueue(): Promise<TaskEnvelope[]> {
  return (await receiveAll(aws)).map((m) => parseEnvelope(m.body));
}

/** The input the task of the envelope that `correlationId` sent will run with. */
async function inputSentBy(envelopes: TaskEnvelope[], correlationId: string): Promise<unknown> {
  const envelope = envelopes.find((e) => e.correlationId === correlationId);
  if (!envelope) throw new Error(`no envelope in the queue was sent by ${correlationId}`);
  return deps.store.loadPayload(envelope.input);
}

describe("sending envelopes", () => {
  it("sends 25 tasks in three SendMessageBatch calls of 10, 10 and 5 entries", async () => {
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

    const outcomes = await submitTasks({ ...deps, sqs }, CALLER, "req-25", submissions);

    expect(outcomes.filter((o) => o.kind === "accepted")).toHaveLength(25);
    expect(sent).toEqual([
      { command: "SendMessageBatchCommand", entries: 10 },
      { command: "SendMessageBatchCommand", entries: 10 },
      { command: "SendMessageBatchCommand", entries: 5 },
    ]);
    expect(await queueDepth(aws)).toBe(25);
    sqs.destroy();
  });
});

describe("a submission SQS refused", () => {
  const unreachable = () => ({ ...deps, queueUrl: `${aws.queueUrl}-that-does-not-exist` });

  it("without a key, leaves no record, index entry or stored input behind", async () => {
    const outcomes = await submitTasks(unreachable(), CALLER, "req-1", [
      { type: "word-count", input: largeInput("a") },
      { type: "echo", input: { n: 1 } },
    ]);

    expect(outcomes).toEqual([
      { kind: "unavailable", detail: expect.stringContaining("SQS is unavailable") },
      { kind: "unavailable", detail: expect.stringContaining("SQS is unavailable") },
    ]);
    expect(await keysIn(aws, aws.buckets.results)).toEqual([]);
    expect(await keysIn(aws, aws.buckets.payloads)).toEqual([]);
  });

  it("with a key, keeps its record and input, so a replay of the key sends it whole", async () => {
    const submission = { type: "word-count", input: largeInput("k"), idempotencyKey: "k-503" };
    const [refused] = await submitTasks(unreachable(), CALLER, "req-1", [submission]);
    expect(refused).toMatchObject({ kind: "unavailable" });

    const [replayed] = await submitTasks(deps, CALLER, "req-2", [submission]);

    expect(replayed).toMatchObject({ kind: "accepted", replayed: false });
    const envelopes = await envelopesInQueue();
    expect(envelopes).toHaveLength(1);
    // The replay sends the record the first request made, with that request's correlation id.
    expect(await inputSentBy(envelopes, "req-1")).toEqual(submission.input);
  });
});

describe("a submission S3 cannot store", () => {
  it("fails the request, sending nothing and undoing the other submissions' writes", async () => {
    const store = new TaskStore(aws.s3, { ...aws.buckets, payloads: "no-such-bucket" });

    const submitting = submitTasks({ ...deps, store }, CALLER, "req-1", [
      { type: "echo", input: { n: 1 } },
      { type: "word-count", input: largeInput("s") },
    ]);

    await expect(submitting).rejects.toMatchObject({ name: "NoSuchBucket" });
    expect(await queueDepth(aws)).toBe(0);
    expect(await keysIn(aws, aws.buckets.results)).toEqual([]);
  });
});

/**
 * The store as the second of two racing requests sees it: it pauses after its first look for
 * the record, until the first request is done. With `conditionalCreate` it refuses to create a
 * record that exists, as S3 does for `If-None-Match: *` and fauxqs does not.
 */
function pausedStore(options: { conditionalCreate: boolean }) {
  const looked = signal();
  const gate = signal();
  class PausedStore extends TaskStore {
    override async getRecord(taskId: string) {
      const found = await super.getRecord(taskId);
      looked.fire();
      await gate.fired;
      return found;
    }
    override async putRecord(record: TaskRecord, opts: { create?: boolean } = {}) {
      if (options.conditionalCreate && opts.create && (await super.getRecord(record.id))) {
        throw new ObjectExistsError(`the record of ${record.id} already exists`);
      }
      await super.putRecord(record, opts);
    }
  }
  return { store: new PausedStore(aws.s3, aws.buckets), looked: looked.fired, release: gate.fire };
}

function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire: () => fire() };
}

describe.each([
  { s3: "fauxqs, which lets the second create overwrite", conditionalCreate: false },
  { s3: "S3, which refuses the second create", conditionalCreate: true },
])(
  "two requests racing for one key with different large bodies, on $s3",
  ({ conditionalCreate }) => {
    it("never let the later request replace the accepted task's input", async () => {
      const key = `race-${conditionalCreate}`;
      const [bodyA, bodyB] = [largeInput("a"), largeInput("b")];
      const paused = pausedStore({ conditionalCreate });
      const late = submitTasks({ ...deps, store: paused.store }, CALLER, "req-b", [
        { type: "word-count", input: bodyB, idempotencyKey: key },
      ]);
      await paused.looked; // B found no record, so it goes on to create one

      const [first] = await submitTasks(deps, CALLER, "req-a", [
        { type: "word-count", input: bodyA, idempotencyKey: key },
      ]);
      paused.release();
      const [second] = await late;

      expect(first).toMatchObject({ kind: "accepted" });
      const envelopes = await envelopesInQueue();
      expect(await inputSentBy(envelopes, "req-a")).toEqual(bodyA);
      if (conditionalCreate) {
        expect(second).toMatchObject({ kind: "conflict" });
        expect(envelopes).toHaveLength(1);
        // B's input went with its refusal: A's is the only one left.
        expect(await keysIn(aws, aws.buckets.payloads)).toHaveLength(1);
      } else {
        // Without the conditional write both requests create the record (a gap the README lists),
        // yet each envelope still carries its own body.
        expect(await inputSentBy(envelopes, "req-b")).toEqual(bodyB);
      }
    });
  },
);
