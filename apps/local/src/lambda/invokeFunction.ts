import { randomUUID } from "node:crypto";
import { LAMBDA_PAYLOAD_MAX_BYTES } from "../constants.js";
import { LambdaInvocationError } from "../errors.js";
import type { LocalFunction } from "../types.js";
import { createLambdaContext } from "./lambdaContext.js";

/**
 * Invokes a function the way Lambda does a synchronous invocation: the event and the result
 * travel as JSON (so the handler gets its own copy and a result that JSON cannot carry fails),
 * both within Lambda's 6 MB payload limit, and the handler has `timeoutSeconds` to answer.
 *
 * Unlike Lambda, every function shares this process: module state is shared by concurrent
 * invocations, and a handler that timed out keeps running in the background.
 *
 * @throws LambdaInvocationError for every failure, shaped as Lambda reports it.
 */
export async function invokeFunction(fn: LocalFunction, event: unknown): Promise<unknown> {
  const handler = fn.handler;
  if (!handler) {
    throw new LambdaInvocationError(
      "ServiceException",
      `function ${fn.functionName} is not loaded yet`,
      "service",
    );
  }
  const request = JSON.stringify(event ?? null);
  if (Buffer.byteLength(request) > LAMBDA_PAYLOAD_MAX_BYTES) {
    throw new LambdaInvocationError(
      "RequestEntityTooLargeException",
      `Request must be smaller than ${LAMBDA_PAYLOAD_MAX_BYTES} bytes for the InvokeFunction operation`,
      "service",
    );
  }

  const requestId = randomUUID();
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  const context = createLambdaContext(fn, deadline, requestId);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new LambdaInvocationError(
          "Sandbox.Timedout",
          `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          "function",
        ),
      );
    }, fn.timeoutSeconds * 1000);
  });

  let result: unknown;
  try {
    const running = Promise.resolve().then(() => handler(JSON.parse(request), context));
    result = await Promise.race([running, timedOut]);
  } catch (error) {
    if (error instanceof LambdaInvocationError) throw error;
    throw functionError(error);
  } finally {
    clearTimeout(timer);
  }
  return marshalResult(result);
}

/** The error report of what a handler threw, as the Node.js runtime writes it. */
function functionError(thrown: unknown): LambdaInvocationError {
  if (thrown instanceof Error) {
    const trace = (thrown.stack ?? "").split("\n").filter((line) => line.trim() !== "");
    return new LambdaInvocationError(thrown.name || "Error", thrown.message, "function", trace);
  }
  return new LambdaInvocationError("Error", String(thrown), "function");
}

function marshalResult(result: unknown): unknown {
  let response: string;
  try {
    response = JSON.stringify(result ?? null);
  } catch (error) {
    throw new LambdaInvocationError(
      "Runtime.MarshalError",
      `Unable to marshal response: ${(error as Error).message}`,
      "function",
    );
  }
  if (Buffer.byteLength(response) > LAMBDA_PAYLOAD_MAX_BYTES) {
    throw new LambdaInvocationError(
      "Function.ResponseSizeTooLarge",
      `Response payload size exceeded maximum allowed payload size (${LAMBDA_PAYLOAD_MAX_BYTES} bytes).`,
      "function",
    );
  }
  return JSON.parse(response) as unknown;
}
