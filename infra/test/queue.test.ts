import { beforeAll, describe, expect, it } from "vitest";
import {
  describeEachStack,
  json,
  mockKeyArn,
  type ProgramRun,
  promiseOf,
  runProgram,
  STACKS,
  stackConfig,
  stackConfigMap,
} from "./pulumiMocks.js";

describeEachStack("the queue of the %s stack", ({ stack, config, run }) => {
  let queue: Record<string, unknown>;
  let dlq: Record<string, unknown>;
  let mapping: Record<string, unknown>;
  beforeAll(async () => {
    queue = run.named("tasksQueue").inputs;
    dlq = run.named("tasksDeadLetterQueue").inputs;
    mapping = run.named("startExecutionsEventSourceMapping").inputs;
  });

  it("encrypts the queue and its DLQ, with a rotated customer key when configured", () => {
    const keys = run.ofType("aws:kms/key:Key").filter((k) => k.name === "tasksKey");
    for (const [name, inputs] of [
      ["queue", queue],
      ["DLQ", dlq],
    ] as const) {
      if (config.queue.kms) {
        expect(inputs.kmsMasterKeyId, name).toBe(mockKeyArn("tasksKey"));
        expect(inputs.sqsManagedSseEnabled, name).toBeUndefined();
      } else {
        expect(inputs.sqsManagedSseEnabled, name).toBe(true);
      }
    }
    expect(keys.map((k) => k.inputs.enableKeyRotation)).toEqual(config.queue.kms ? [true] : []);
  });

  it("moves a message to the DLQ after at least 5 receives", async () => {
    const redrive = json<{ deadLetterTargetArn: string; maxReceiveCount: number }>(
      queue.redrivePolicy,
    );

    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(redrive.maxReceiveCount).toBe(config.queue.maxReceiveCount);
    expect(redrive.deadLetterTargetArn).toBe(await promiseOf(run.program.deadLetterQueueArn));
  });

  it("keeps messages in the DLQ longer than in the queue", () => {
    expect(dlq.messageRetentionSeconds as number).toBeGreaterThan(
      queue.messageRetentionSeconds as number,
    );
    expect(queue.messageRetentionSeconds).toBe(config.queue.retentionSeconds);
    expect(dlq.messageRetentionSeconds).toBe(config.queue.dlqRetentionSeconds);
  });

  it("hides a received message for at least six consumer timeouts plus the batching window", () => {
    const consumerTimeout = run.named("startExecutionsFunction").inputs.timeout as number;
    const window = mapping.maximumBatchingWindowInSeconds as number;

    expect(queue.visibilityTimeoutSeconds as number).toBeGreaterThanOrEqual(
      6 * consumerTimeout + window,
    );
  });

  it("sets the largest message size explicitly on both queues", () => {
    expect(queue.maxMessageSize).toBe(config.queue.maxMessageBytes);
    expect(dlq.maxMessageSize).toBe(config.queue.maxMessageBytes);
  });

  it("lets the DLQ redrive messages back to this queue only", async () => {
    const allow = run.named("tasksDeadLetterQueueRedriveAllowPolicy").inputs;

    expect(allow.queueUrl).toBe(await promiseOf(run.program.deadLetterQueueUrl));
    expect(json(allow.redriveAllowPolicy)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [await promiseOf(run.program.queueArn)],
    });
  });

  it("feeds the consumer with partial batch responses and capped concurrency", async () => {
    expect(mapping).toMatchObject({
      eventSourceArn: await promiseOf(run.program.queueArn),
      functionName: `arn:aws:lambda:us-east-1:123456789012:function:tasklane-${stack}-start-executions`,
      enabled: true,
      batchSize: config.consumer.batchSize,
      maximumBatchingWindowInSeconds: config.consumer.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: config.consumer.maximumConcurrency },
    });
    expect(run.ofType("aws:lambda/eventSourceMapping:EventSourceMapping")).toHaveLength(1);
  });

  it("is a standard queue unless the config asks for FIFO", () => {
    expect(queue.fifoQueue).toBeUndefined();
    expect(queue.name).toBe(`tasklane-${stack}-tasks`);
    expect(dlq.name).toBe(`tasklane-${stack}-tasks-dlq`);
  });
});

/** A stack's own config with a FIFO queue: its `tasklane:queue`, plus `fifo`, and `consumer`. */
function fifoOverrides(stack: string, consumer: Record<string, unknown> = {}) {
  const file = stackConfigMap(stack);
  const section = (key: string) => JSON.parse(file[key] ?? "{}") as Record<string, unknown>;
  return {
    "tasklane:queue": { ...section("tasklane:queue"), fifo: true },
    "tasklane:consumer": { ...section("tasklane:consumer"), ...consumer },
  };
}

describe.each(STACKS)("a FIFO queue (tasklane:queue.fifo) with the %s stack's config", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    // AWS supports no batching window on a FIFO event source, so a FIFO stack sets none.
    run = await runProgram(stack, fifoOverrides(stack, { batchingWindowSeconds: 0 }));
  });

  it("makes the queue and its DLQ FIFO, with ids from the envelope, not the content", () => {
    for (const name of ["tasksQueue", "tasksDeadLetterQueue"]) {
      expect(run.named(name).inputs, name).toMatchObject({
        fifoQueue: true,
        contentBasedDeduplication: false,
        deduplicationScope: "messageGroup",
        fifoThroughputLimit: "perMessageGroupId",
      });
    }
    expect(run.named("tasksQueue").inputs.name).toBe(`tasklane-${stack}-tasks.fifo`);
    expect(run.named("tasksDeadLetterQueue").inputs.name).toBe(`tasklane-${stack}-tasks-dlq.fifo`);
  });

  it("feeds the consumer without a batching window, which AWS rejects on a FIFO queue", () => {
    const mapping = run.named("startExecutionsEventSourceMapping").inputs;

    expect(mapping).not.toHaveProperty("maximumBatchingWindowInSeconds");
    expect(mapping).toMatchObject({
      batchSize: stackConfig(stack).consumer.batchSize,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("hands the senders the .fifo URL, which makes them send FIFO messages", () => {
    for (const name of ["ingestFunction", "retryFunction", "resendUnsentFunction"]) {
      const variables = (
        run.named(name).inputs.environment as { variables: Record<string, string> }
      ).variables;
      expect(variables.TASKLANE_QUEUE_URL, name).toMatch(/\.fifo$/);
    }
  });

  it("stops the program when the consumer keeps a batching window, naming both keys", async () => {
    await expect(
      runProgram(stack, fifoOverrides(stack, { batchingWindowSeconds: 1 })),
    ).rejects.toThrow(
      `stack \`${stack}\`: config key \`tasklane:consumer.batchingWindowSeconds\`: must be 0 when queue.fifo is true`,
    );
  });
});
