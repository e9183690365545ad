import {
  type FunctionSpec,
  NAME_LIMITS,
  queueVisibilityTimeoutSeconds,
  resourceName,
  type StackConfig,
  type StackRef,
} from "@tasklane/stack-config";
import type { FauxqsServer } from "fauxqs";
import { LOCAL_ACCOUNT_ID } from "../constants.js";

/** The physical names of the stack's resources, as the local runtime creates them. */
export interface LocalResourceNames {
  queue: string;
  dlq: string;
  buckets: { payloads: string; results: string };
  /** The tasks table (dynalite). */
  table: string;
  stateMachine: string;
  /** The Express state machine, beside the Standard one. */
  expressStateMachine: string;
}

/** The queues and buckets created in fauxqs. */
export interface LocalResources {
  names: LocalResourceNames;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  /** The queue's visibility timeout, in seconds. */
  visibilityTimeoutSeconds: number;
}

/** `<project>-<stack>-<component>`, cut to each AWS limit, as the Pulumi program names them. */
export function localResourceNames(ref: StackRef, config: StackConfig): LocalResourceNames {
  const fifo = config.queue.fifo ? ".fifo" : "";
  return {
    queue: resourceName(ref, "tasks", NAME_LIMITS.sqsQueue, fifo),
    dlq: resourceName(ref, "tasks-dlq", NAME_LIMITS.sqsQueue, fifo),
    buckets: {
      payloads: resourceName(ref, "payloads", NAME_LIMITS.s3Bucket),
      results: resourceName(ref, "results", NAME_LIMITS.s3Bucket),
    },
    table: resourceName(ref, "tasks", NAME_LIMITS.dynamoTable),
    stateMachine: resourceName(ref, "workflow", NAME_LIMITS.stateMachine),
    expressStateMachine: resourceName(ref, "workflow-express", NAME_LIMITS.stateMachine),
  };
}

/** The physical name of a function of the catalog. */
export function localFunctionName(ref: StackRef, spec: Pick<FunctionSpec, "name">): string {
  return resourceName(ref, spec.name, NAME_LIMITS.lambdaFunction);
}

/** EventBridge's limit on a rule's name. */
const EVENT_RULE_NAME_MAX_LENGTH = 64;

/**
 * The physical name of the EventBridge rule that invokes a `schedule` function: the function's
 * own short name, as the Pulumi program's TaskSchedule names it.
 */
export function localScheduleRuleName(ref: StackRef, spec: Pick<FunctionSpec, "name">): string {
  return resourceName(ref, spec.name, EVENT_RULE_NAME_MAX_LENGTH);
}

export function eventRuleArn(region: string, ruleName: string): string {
  return `arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`;
}

export function lambdaArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export function stateMachineArn(region: string, name: string): string {
  return `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`;
}

/**
 * Creates the tasks queue, its dead-letter queue and the two buckets in fauxqs, with the
 * stack config's settings: the redrive policy's `maxReceiveCount`, both retention periods, the
 * largest message, FIFO when configured, and the visibility timeout the Pulumi program derives
 * from the consumer's timeout (or `visibilityTimeoutSeconds`, for tests that cannot wait).
 */
export function createLocalResources(
  fauxqs: FauxqsServer,
  names: LocalResourceNames,
  config: StackConfig,
  options: { visibilityTimeoutSeconds?: number } = {},
): LocalResources {
  const fifo: Record<string, string> = config.queue.fifo ? { FifoQueue: "true" } : {};
  const maxMessageBytes = String(config.queue.maxMessageBytes);
  const dlq = fauxqs.createQueue(names.dlq, {
    attributes: {
      ...fifo,
      MessageRetentionPeriod: String(config.queue.dlqRetentionSeconds),
      MaximumMessageSize: maxMessageBytes,
    },
  });
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds ?? queueVisibilityTimeoutSeconds(config);
  const queue = fauxqs.createQueue(names.queue, {
    attributes: {
      ...fifo,
      VisibilityTimeout: String(visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(config.queue.retentionSeconds),
      MaximumMessageSize: maxMessageBytes,
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: config.queue.maxReceiveCount,
      }),
    },
  });
  fauxqs.createBucket(names.buckets.payloads);
  fauxqs.createBucket(names.buckets.results);
  return {
    names,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    dlqUrl: dlq.queueUrl,
    dlqArn: dlq.queueArn,
    visibilityTimeoutSeconds,
  };
}
