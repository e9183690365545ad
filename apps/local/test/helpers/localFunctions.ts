import type { LambdaHandler, LocalFunction } from "../../src/index.js";

/** A local function around a test handler. */
export function testFunction(
  handler: LambdaHandler,
  overrides: Partial<Omit<LocalFunction, "handler">> = {},
): LocalFunction {
  const functionName = overrides.functionName ?? "tasklane-test-fn";
  return {
    name: "test-fn",
    functionName,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    timeoutSeconds: 10,
    memoryMb: 128,
    ...overrides,
    handler,
  };
}

/** A promise the test settles by hand. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
