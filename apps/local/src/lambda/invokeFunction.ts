import { randomUUID } from "node:crypto";
import { LAMBDA_PAYLOAD_MAX_BYTES } from "../constants.js";
import { LambdaInvocationError } from "../errors.js";
import type { LambdaHandler, LocalFunction } from "../types.js";
import { createLambdaContext } from "./lambdaContext.js";

/**
 * Invokes a function the way Lambda does a synchronous invocation: the event and the result
 * travel as JSON (so the handler gets its own copy and a result that JSON cannot carry fails),
 * both within Lambda's 6 MB payload limit, and the handler has `timeoutSeconds` to answer. The
 * first invocation loads the handler.
 *
 * Unlike Lambda, every function shares this process: module state is shared by concurrent
 * invocations, and a handler that timed out keeps running in the background.
 *
 * @throws LambdaInvocationError for every failure, shaped as Lambda reports it.
 */
export async function invokeFunction(fn: LocalFunction, event: unknown): Promise<unknown> {
  const request = JSON.stringify(event ?? null);
  if (Buffer.byteLength(request) > LAMBDA_PAYLOAD_MAX_BYTES) {
    throw new LambdaInvocationError(
      "RequestEntityTooLargeException",
      `Request must be smaller than ${LAMBDA_PAYLOAD_MAX_BYTES} bytes for the InvokeFunction operation`,
      "service",
    );
  }
  // Awaited only when there is a load to wait for: a loaded handler starts in this very tick.
  const handler = fn.handler ?? (await loadedHandler(fn));

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

/** The first invocations' one load of each function's handler, while it runs. */
const loading = new WeakMap<LocalFunction, Promise<LambdaHandler>>();

/**
 * The function's handler, loaded (`fn.load`) by its first invocation, as Lambda runs a
 * function's init phase: invocations that arrive meanwhile wait for the same load, and the load
 * is not part of any invocation's timeout (Lambda times init on its own). A load that fails fails
 * the invocations waiting for it, as an init error does, and the next invocation loads again.
 */
async function loadedHandler(fn: LocalFunction): Promise<LambdaHandler> {
  if (!fn.load) {
    throw new LambdaInvocationError(
      "ServiceException",
      `function ${fn.functionName} is not loaded yet`,
      "service",
    );
  }
  let pending = loading.get(fn);
  if (!pending) {
    pending = fn.load();
    loading.set(fn, pending);
  }
  try {
    const handler = await pending;
    fn.handler ??= handler;
    return fn.handler;
  } catch (error) {
    throw functionError(error);
  } finally {
    if (loading.get(fn) === pending) loading.delete(fn);
  }
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
