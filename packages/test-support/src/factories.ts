import { randomUUID } from "node:crypto";
import {
  createEnvelope,
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  type TaskEnvelope,
} from "@tasklane/shared-task";
import type { Context } from "aws-lambda";

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
