import { createHash, randomUUID } from "node:crypto";
import {
  createEnvelope,
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  type TaskEnvelope,
} from "@tasklane/shared-task";
import type { Context, SQSRecord } from "aws-lambda";

/** A valid envelope of a new task of `type`, its input inline; override any field. */
export function taskEnvelope(
  type: string,
  input: JsonValue,
  overrides: Partial<TaskEnvelope> = {},
): TaskEnvelope {
  return createEnvelope({
    id: newTaskId(),
    type,
    generation: 1,
    createdAt: new Date().toISOString(),
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type, input }),
    ...overrides,
  });
}

/** A Lambda context as the runtime passes it to a handler. */
export function lambdaContext(functionName = "tasklane-test", remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "test",
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let sequence = 0;

/**
 * An SQS record as Lambda's event source mapping delivers it, for batches a queue emulator
 * cannot produce: fauxqs returns one message per FIFO message group per receive, while SQS may
 * return several of one group in order. With `groupId` it is a FIFO record.
 */
export function sqsRecord(
  body: string,
  options: { queueArn: string; region?: string; groupId?: string },
): SQSRecord {
  sequence += 1;
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: now,
      SenderId: "AIDAIENQZJOLO23YVJ4VO",
      ApproximateFirstReceiveTimestamp: now,
      ...(options.groupId
        ? {
            MessageGroupId: options.groupId,
            MessageDeduplicationId: randomUUID(),
            SequenceNumber: `1800000000000${String(sequence).padStart(7, "0")}`,
          }
        : {}),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: options.queueArn,
    awsRegion: options.region ?? "us-east-1",
  };
}
