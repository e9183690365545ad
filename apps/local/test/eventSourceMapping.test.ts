import { setTimeout as sleep } from "node:timers/promises";
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { waitFor } from "@tasklane/test-support";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from "fauxqs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type BatchReport,
  type EventSourceMapping,
  type LambdaHandler,
  startEventSourceMapping,
} from "../src/index.js";
import { REGION, sqsClient } from "./helpers/awsClients.js";
import { testFunction } from "./helpers/localFunctions.js";

const MAX_RECEIVE_COUNT = 3;

describe("the SQS event source mapping", () => {
  let fauxqs: FauxqsServer;
  let sqs: SQSClient;
  let queue: { queueUrl: string; queueArn: string; queueName: string };
  let dlq: { queueUrl: string; queueArn: string; queueName: string };
  let mapping: EventSourceMapping | undefined;
  let batches: BatchReport[];
  let restoreDns: () => void;

  beforeEach(async () => {
    // Queue URLs are `http://sqs.<region>.localhost:<port>/...`, and the SDK sends to them.
    restoreDns = interceptLocalhostDns();
    // Prepare: a queue that redelivers after 1 s and gives up after 3 receives.
    fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
    dlq = fauxqs.createQueue("tasklane-test-dlq");
    queue = fauxqs.createQueue("tasklane-test-tasks", {
      attributes: {
        VisibilityTimeout: "1",
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(MAX_RECEIVE_COUNT),
        }),
      },
    });
    sqs = sqsClient(fauxqs.port);
    batches = [];
    mapping = undefined;
  });

  afterEach(async () => {
    await mapping?.stop();
    sqs.destroy();
    await fauxqs.stop();
    restoreDns();
  });

  function map(
    handler: LambdaHandler,
    settings: {
      batchSize?: number;
      batchingWindowSeconds?: number;
      maximumConcurrency?: number;
    } = {},
    target = queue,
    timeoutSeconds = 10,
  ): EventSourceMapping {
    mapping = startEventSourceMapping({
      sqs,
      queueUrl: target.queueUrl,
      queueArn: target.queueArn,
      region: REGION,
      fn: testFunction(handler, { timeoutSeconds }),
      batchSize: settings.batchSize ?? 10,
      batchingWindowSeconds: settings.batchingWindowSeconds ?? 0,
      maximumConcurrency: settings.maximumConcurrency ?? 2,
      onBatch: (batch) => batches.push(batch),
    });
    return mapping;
  }

  async function send(bodies: string[], target = queue): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: target.queueUrl,
          Entries: bodies.slice(i, i + 10).map((body, index) => ({
            Id: String(index),
            MessageBody: body,
            ...(target.queueName.endsWith(".fifo")
              ? { MessageGroupId: "group-1", MessageDeduplicationId: body }
              : {}),
          })),
        }),
      );
    }
  }

  const counts = (name: string) => {
    const state = fauxqs.inspectQueue(name)?.messages;
    return {
      ready: state?.ready.length ?? 0,
      inflight: state?.inflight.length ?? 0,
      delayed: state?.delayed.length ?? 0,
    };
  };
  const isEmpty = (name: string) => {
    const c = counts(name);
    return c.ready + c.inflight + c.delayed === 0 ? true : undefined;
  };

  it("invokes the function with an SQS event shaped as Lambda builds it", async () => {
    // Prepare
    const events: SQSEvent[] = [];
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          source: { DataType: "String", StringValue: "test" },
          count: { DataType: "Number", StringValue: "3" },
          blob: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );

    // Act
    map(async (event) => {
      events.push(event as SQSEvent);
    });
    await waitFor(() => events[0]);

    // Assess
    const record = events[0]?.Records[0] as SQSRecord;
    expect(events[0]?.Records).toHaveLength(1);
    expect(record).toMatchObject({
      body: '{"hello":"world"}',
      eventSource: "aws:sqs",
      eventSourceARN: queue.queueArn,
      awsRegion: REGION,
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        source: {
          stringValue: "test",
          stringListValues: [],
          binaryListValues: [],
          dataType: "String",
        },
        count: { stringValue: "3", dataType: "Number" },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString("base64"), dataType: "Binary" },
      },
    });
    expect(record.messageId).toMatch(/\S/);
    expect(record.receiptHandle).toMatch(/\S/);
  });

  it("gives FIFO records their group, deduplication id and sequence number", async () => {
    // Prepare
    const fifo = fauxqs.createQueue("tasklane-test-tasks.fifo", {
      attributes: { FifoQueue: "true" },
    });
    const records: SQSRecord[] = [];
    await send(["a", "b"], fifo);

    // Act
    map(
      async (event) => {
        records.push(...(event as SQSEvent).Records);
      },
      {},
      fifo,
    );
    await waitFor(() => (records.length === 2 ? true : undefined));

    // Assess
    expect(records.map((r) => r.body)).toEqual(["a", "b"]);
    expect(records[0]?.eventSourceARN).toBe(fifo.queueArn);
    expect(records[0]?.attributes).toMatchObject({
      MessageGroupId: "group-1",
      MessageDeduplicationId: "a",
      SequenceNumber: expect.stringMatching(/^\d+$/),
    });
  });

  it("deletes the successes of a partial batch response and redelivers only the failed items", async () => {
    // Prepare
    await send(["ok-1", "fails-once", "ok-2"]);
    const deliveries: { body: string; receiveCount: string }[] = [];

    // Act
    map(async (event) => {
      const failures = [];
      for (const record of (event as SQSEvent).Records) {
        deliveries.push({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
        });
        if (record.body === "fails-once" && record.attributes.ApproximateReceiveCount === "1") {
          failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    });
    await waitFor(() => (deliveries.length === 4 ? true : undefined));
    await waitFor(() => isEmpty(queue.queueName), { what: "the queue to empty" });

    // Assess
    expect(deliveries.filter((d) => d.body.startsWith("ok"))).toHaveLength(2);
    expect(deliveries.filter((d) => d.body === "fails-once").map((d) => d.receiveCount)).toEqual([
      "1",
      "2",
    ]);
    expect(batches[0]).toMatchObject({ size: 3, failed: 1 });
    expect(counts(dlq.queueName).ready).toBe(0);
  });

  describe.each([
    {
      case: "the function throws",
      first: () => {
        throw new Error("boom");
      },
      error: "Error: boom",
    },
    {
      case: "the response names a message not in the batch",
      first: () => ({ batchItemFailures: [{ itemIdentifier: "not-in-the-batch" }] }),
      error: "`itemIdentifier` not-in-the-batch is not a message of the batch",
    },
    {
      case: "an item of the response has no identifier",
      first: () => ({ batchItemFailures: [{ id: "wrong-key" }] }),
      error: "an item of `batchItemFailures` has no `itemIdentifier`",
    },
  ])("when $case", ({ first, error }) => {
    it("leaves the whole batch for redelivery", async () => {
      // Prepare
      await send(["m1", "m2"]);
      const receiveCounts: string[] = [];
      let invocations = 0;

      // Act
      map(async (event) => {
        invocations += 1;
        receiveCounts.push(
          ...(event as SQSEvent).Records.map((r) => r.attributes.ApproximateReceiveCount),
        );
        return invocations === 1 ? first() : {};
      });
      await waitFor(() => (receiveCounts.length === 4 ? true : undefined));
      await waitFor(() => isEmpty(queue.queueName));

      // Assess
      expect(receiveCounts).toEqual(["1", "1", "2", "2"]);
      expect(batches[0]).toMatchObject({ size: 2, failed: 2, error });
    });
  });

  it("fails the batch of a function that outlives its timeout", async () => {
    // Prepare
    await send(["slow"]);
    let invocations = 0;

    // Act
    map(
      async () => {
        invocations += 1;
        if (invocations === 1) await sleep(1_500);
      },
      {},
      queue,
      1,
    );
    await waitFor(() => (batches.length === 2 ? true : undefined), { timeoutMs: 8_000 });

    // Assess: one batch timed out and failed its message, and its redelivery succeeded. The
    // message's visibility timeout (1 s) ends as the function's does, so on a busy machine the
    // second poller can receive it and finish first.
    const timedOut = batches.filter((b) => /^Sandbox\.Timedout/.test(b.error ?? ""));
    expect(timedOut).toEqual([expect.objectContaining({ failed: 1 })]);
    expect(batches.filter((b) => b.failed === 0)).toHaveLength(1);
  });

  it("moves a poison message to the DLQ after maxReceiveCount receives, and loses nothing else", async () => {
    // Prepare
    await send(["good-1", "poison", "good-2"]);
    const poisonDeliveries: string[] = [];
    const processed: string[] = [];

    // Act
    map(async (event) => {
      const failures = [];
      for (const record of (event as SQSEvent).Records) {
        if (record.body === "poison") {
          poisonDeliveries.push(record.attributes.ApproximateReceiveCount);
          failures.push({ itemIdentifier: record.messageId });
        } else {
          processed.push(record.body);
        }
      }
      return { batchItemFailures: failures };
    });
    await waitFor(() => (counts(dlq.queueName).ready === 1 ? true : undefined), {
      timeoutMs: 15_000,
      what: "the poison message in the DLQ",
    });

    // Assess
    expect(poisonDeliveries).toEqual(["1", "2", "3"]);
    expect(processed.sort()).toEqual(["good-1", "good-2"]);
    expect(isEmpty(queue.queueName)).toBe(true);
    expect(fauxqs.inspectQueue(dlq.queueName)?.messages.ready[0]?.body).toBe("poison");
  });

  it("never has more batches in flight than the maximum concurrency", async () => {
    // Prepare
    await send(Array.from({ length: 12 }, (_, i) => `m${i}`));
    let running = 0;
    let highest = 0;
    let done = 0;

    // Act
    map(
      async (event) => {
        running += 1;
        highest = Math.max(highest, running);
        await sleep(100);
        running -= 1;
        done += (event as SQSEvent).Records.length;
      },
      { batchSize: 1, maximumConcurrency: 3 },
    );
    await waitFor(() => (done === 12 ? true : undefined));

    // Assess
    expect(highest).toBe(3);
    expect(batches.every((b) => b.size === 1)).toBe(true);
  });

  it("puts at most batchSize messages in an invocation", async () => {
    // Prepare
    await send(Array.from({ length: 12 }, (_, i) => `m${i}`));

    // Act
    map(async () => undefined, { batchSize: 5, maximumConcurrency: 2 });
    await waitFor(() => (batches.reduce((sum, b) => sum + b.size, 0) === 12 ? true : undefined));

    // Assess
    expect(Math.max(...batches.map((b) => b.size))).toBe(5);
    expect(batches.every((b) => b.size <= 5)).toBe(true);
  });

  it("gathers messages for the batching window into one invocation of up to batchSize", async () => {
    // Prepare: messages gathered stay in flight for the window, so the visibility timeout must
    // outlast it (AWS's advice: 6 x the function timeout + the window).
    const slow = fauxqs.createQueue("tasklane-test-window", {
      attributes: { VisibilityTimeout: "30" },
    });
    const sizes: number[] = [];
    map(
      async (event) => {
        sizes.push((event as SQSEvent).Records.length);
      },
      { batchSize: 25, batchingWindowSeconds: 2, maximumConcurrency: 2 },
      slow,
    );
    await sleep(100);

    // Act: 15 messages in three bursts, all within the window opened by the first.
    for (let burst = 0; burst < 3; burst++) {
      await send(
        Array.from({ length: 5 }, (_, i) => `b${burst}-${i}`),
        slow,
      );
      await sleep(150);
    }
    await waitFor(() => (sizes.length > 0 ? true : undefined), { timeoutMs: 5_000 });

    // Assess
    expect(sizes).toEqual([15]);
  });

  it("stops promptly while long-polling an empty queue: it abandons the polls, unanswered", async () => {
    // Prepare: both pollers (maximumConcurrency 2) in a 20 s long poll of the empty queue.
    const send = vi.spyOn(sqs, "send");
    const running = map(async () => undefined);
    const longPolls = () =>
      send.mock.calls.flatMap(([command, options], i) =>
        command instanceof ReceiveMessageCommand && command.input.WaitTimeSeconds === 20
          ? [{ signal: (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal, i }]
          : [],
      );
    await waitFor(() => (longPolls().length === 2 ? true : undefined));

    // Act
    await running.stop();

    // Assess: stop() did not wait for SQS to answer either poll; it aborted both.
    const polls = longPolls();
    expect(polls).toHaveLength(2);
    expect(polls.map((p) => p.signal?.aborted)).toEqual([true, true]);
    expect(polls.map((p) => send.mock.settledResults[p.i]?.type)).toEqual(["rejected", "rejected"]);
  });

  it("finishes the batch in flight, and deletes its successes, before it stops", async () => {
    // Prepare
    await send(["in-flight"]);
    let entered = false;
    const running = map(async () => {
      entered = true;
      await sleep(300);
    });
    await waitFor(() => (entered ? true : undefined));

    // Act
    await running.stop();

    // Assess
    expect(batches).toMatchObject([{ size: 1, failed: 0 }]);
    expect(isEmpty(queue.queueName)).toBe(true);
  });
});
