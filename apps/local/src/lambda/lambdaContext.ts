import { randomBytes, randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { LocalFunction } from "../types.js";

/**
 * The `context` Lambda passes to a Node.js handler: the function's identity, a fresh request id,
 * the log group and stream Lambda would write to, and the time left before the timeout.
 */
export function createLambdaContext(
  fn: Pick<LocalFunction, "functionName" | "arn" | "memoryMb">,
  deadline: number,
  awsRequestId: string = randomUUID(),
): Context {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Callback-era methods: present on the object, never used by async handlers.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
