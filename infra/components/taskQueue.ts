import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, resourceName, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** AWS advises at least 5 receives before a Lambda event source gives up on a message. */
export const MIN_MAX_RECEIVE_COUNT = 5;
/** SQS caps a queue's visibility timeout at 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** How long SQS reuses a KMS data key; 5 minutes keeps KMS calls (and cost) low. */
const KMS_DATA_KEY_REUSE_SECONDS = 300;

export interface TaskQueueArgs {
  /** The stack the queue belongs to; its physical names derive from it. */
  ref: StackRef;
  /**
   * A FIFO queue and FIFO DLQ. Message group and deduplication ids then come from the sender
   * (the envelope), not from the content. Forces replacement of both queues.
   * @default false
   * @example true
   */
  fifo?: boolean;
  /**
   * Receives before a message moves to the DLQ. At least 5, as AWS advises for Lambda, so a
   * throttled or briefly failing consumer does not dead-letter healthy messages.
   * @default 5
   * @example 10
   */
  maxReceiveCount?: number;
  /**
   * Seconds a message stays in the queue.
   * @default 345600 (4 days)
   * @example 86400
   */
  retentionSeconds?: number;
  /**
   * Seconds a message stays in the DLQ. Must outlast `retentionSeconds`: SQS keeps a message's
   * original enqueue time when it moves to a standard DLQ, so a shorter DLQ retention would
   * drop it on arrival.
   * @default 1209600 (14 days, the most SQS allows)
   * @example 1209600
   */
  dlqRetentionSeconds?: number;
  /**
   * The largest message SQS accepts, set explicitly so the producer's inline limit can be
   * checked against it.
   * @default 262144
   * @example 1048576
   */
  maxMessageBytes?: number;
  /**
   * Seconds a received message stays invisible. For a Lambda event source AWS advises at least
   * six times the function's timeout plus the batching window (see `queueVisibilityTimeoutSeconds`).
   * @example 181
   */
  visibilityTimeoutSeconds: number;
  /**
   * Encrypt both queues with a customer-managed KMS key (rotated yearly) instead of
   * SQS-managed server-side encryption. Senders then need `kms:GenerateDataKey` and
   * `kms:Decrypt` on the key, receivers `kms:Decrypt`.
   * @default false
   * @example true
   */
  kms?: boolean;
}

/** The settings of the event source mapping that feeds the consumer. */
export interface QueueSubscriptionArgs {
  /**
   * Messages per invocation (at most 10 for FIFO queues).
   * @default 10
   */
  batchSize?: number;
  /**
   * Seconds to gather a batch before invoking; 0 invokes as soon as a message arrives. AWS
   * supports no batching window on a FIFO queue: there it must be 0, and the mapping is created
   * without one.
   * @default 0
   * @example 1
   */
  batchingWindowSeconds?: number;
  /**
   * Most concurrent invocations the event source starts: how fast the backlog drains (peak
   * shaving). AWS accepts 2 to 1000.
   * @default 5
   */
  maximumConcurrency?: number;
}

/**
 * The tasks queue and its dead-letter queue: encrypted, with a redrive policy, a redrive-allow
 * policy (so the DLQ can redrive back only to this queue) and a visibility timeout that covers
 * the consumer.
 *
 * @example
 * ```ts
 * const queue = new TaskQueue("tasks", { ref, visibilityTimeoutSeconds: 181, kms: true });
 * queue.subscribe("startExecutions", consumer.function, { batchSize: 10, maximumConcurrency: 50 });
 * ```
 */
export class TaskQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** The customer-managed key, when `kms` is on. */
  readonly key?: aws.kms.Key;
  readonly fifo: boolean;

  constructor(name: string, args: TaskQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskQueue", name, {}, opts);
    this.fifo = settings.fifo;

    const suffix = settings.fifo ? ".fifo" : "";
    this.key = settings.kms ? createKey(this, name, args.ref) : undefined;
    const encryption = this.key
      ? { kmsMasterKeyId: this.key.arn, kmsDataKeyReusePeriodSeconds: KMS_DATA_KEY_REUSE_SECONDS }
      : { sqsManagedSseEnabled: true };
    const fifoSettings = settings.fifo
      ? {
          fifoQueue: true,
          // Ids come from the envelope: the dedup id is the execution name of the generation.
          contentBasedDeduplication: false,
          // High-throughput FIFO: ordering and dedup per message group (one group per task).
          deduplicationScope: "messageGroup",
          fifoThroughputLimit: "perMessageGroupId",
        }
      : {};

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}DeadLetterQueue`,
      {
        name: resourceName(args.ref, `${name}-dlq`, NAME_LIMITS.sqsQueue, suffix),
        messageRetentionSeconds: settings.dlqRetentionSeconds,
        maxMessageSize: settings.maxMessageBytes,
        receiveWaitTimeSeconds: 20,
        ...encryption,
        ...fifoSettings,
      },
      { parent: this },
    );

    this.queue = new aws.sqs.Queue(
      `${name}Queue`,
      {
        name: resourceName(args.ref, name, NAME_LIMITS.sqsQueue, suffix),
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        messageRetentionSeconds: settings.retentionSeconds,
        maxMessageSize: settings.maxMessageBytes,
        receiveWaitTimeSeconds: 20,
        redrivePolicy: this.deadLetterQueue.arn.apply((deadLetterTargetArn) =>
          JSON.stringify({ deadLetterTargetArn, maxReceiveCount: settings.maxReceiveCount }),
        ),
        ...encryption,
        ...fifoSettings,
      },
      { parent: this },
    );

    // A separate resource: the queue's redrive policy names the DLQ, and this names the queue.
    new aws.sqs.RedriveAllowPolicy(
      `${name}DeadLetterQueueRedriveAllowPolicy`,
      {
        queueUrl: this.deadLetterQueue.url,
        redriveAllowPolicy: this.queue.arn.apply((arn) =>
          JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [arn] }),
        ),
      },
      { parent: this },
    );

    this.registerOutputs({
      queueUrl: this.queue.url,
      queueArn: this.queue.arn,
      deadLetterQueueUrl: this.deadLetterQueue.url,
      deadLetterQueueArn: this.deadLetterQueue.arn,
    });
  }

  /**
   * Feeds the queue to a function through an event source mapping that reports partial batch
   * failures (only the failed messages come back) and caps concurrency.
   *
   * @param opts pass `dependsOn` the function's role policy: AWS checks the role's SQS
   *   permissions when the mapping is created.
   */
  subscribe(
    name: string,
    fn: aws.lambda.Function,
    args: QueueSubscriptionArgs = {},
    opts: pulumi.CustomResourceOptions = {},
  ): aws.lambda.EventSourceMapping {
    const settings = { batchSize: 10, batchingWindowSeconds: 0, maximumConcurrency: 5, ...args };
    const where = `${name}.subscribe`;
    if (this.fifo && settings.batchSize > 10) {
      throw new ComponentArgsError("TaskQueue", where, "batchSize", "must be at most 10 for FIFO");
    }
    if (this.fifo && settings.batchingWindowSeconds > 0) {
      throw new ComponentArgsError(
        "TaskQueue",
        where,
        "batchingWindowSeconds",
        "must be 0 for FIFO (AWS supports no batching window on a FIFO event source)",
      );
    }
    if (settings.batchSize > 10 && settings.batchingWindowSeconds < 1) {
      throw new ComponentArgsError(
        "TaskQueue",
        where,
        "batchingWindowSeconds",
        "must be at least 1 when batchSize is over 10",
      );
    }
    if (settings.maximumConcurrency < 2 || settings.maximumConcurrency > 1000) {
      throw new ComponentArgsError("TaskQueue", where, "maximumConcurrency", "must be 2 to 1000");
    }
    return new aws.lambda.EventSourceMapping(
      `${name}EventSourceMapping`,
      {
        eventSourceArn: this.queue.arn,
        functionName: fn.arn,
        enabled: true,
        batchSize: settings.batchSize,
        // Left out for FIFO: CreateEventSourceMapping rejects the parameter on a FIFO queue.
        ...(this.fifo ? {} : { maximumBatchingWindowInSeconds: settings.batchingWindowSeconds }),
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
      },
      { ...opts, parent: this },
    );
  }
}

type TaskQueueSettings = Required<Omit<TaskQueueArgs, "ref">>;

function normalizeArgs(name: string, args: TaskQueueArgs): TaskQueueSettings {
  const settings: TaskQueueSettings = {
    fifo: false,
    maxReceiveCount: MIN_MAX_RECEIVE_COUNT,
    retentionSeconds: 345_600,
    dlqRetentionSeconds: 1_209_600,
    maxMessageBytes: 262_144,
    kms: false,
    ...args,
  };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskQueue", name, field, problem);
  };
  if (settings.maxReceiveCount < MIN_MAX_RECEIVE_COUNT) {
    fail("maxReceiveCount", `must be at least ${MIN_MAX_RECEIVE_COUNT} (AWS guidance for Lambda)`);
  }
  if (settings.dlqRetentionSeconds <= settings.retentionSeconds) {
    fail("dlqRetentionSeconds", "must be longer than retentionSeconds");
  }
  if (
    settings.visibilityTimeoutSeconds < 0 ||
    settings.visibilityTimeoutSeconds > MAX_VISIBILITY_TIMEOUT_SECONDS
  ) {
    fail("visibilityTimeoutSeconds", `must be 0 to ${MAX_VISIBILITY_TIMEOUT_SECONDS}`);
  }
  if (settings.maxMessageBytes < 1_024 || settings.maxMessageBytes > 1_048_576) {
    fail("maxMessageBytes", "must be 1024 to 1048576");
  }
  return settings;
}

function createKey(parent: TaskQueue, name: string, ref: StackRef): aws.kms.Key {
  // No key policy given: AWS applies the default one, which lets this account's IAM policies
  // grant use of the key. Each function's role then names exactly this key.
  const key = new aws.kms.Key(
    `${name}Key`,
    {
      description: `Encrypts the ${ref.project} ${ref.stack} ${name} queue and its DLQ`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    { parent },
  );
  new aws.kms.Alias(
    `${name}KeyAlias`,
    { name: `alias/${resourceName(ref, name, 250)}`, targetKeyId: key.keyId },
    { parent },
  );
  return key;
}
