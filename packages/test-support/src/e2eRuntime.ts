/**
 * Every function's timeout, in seconds, in a local runtime that an end-to-end suite drives,
 * instead of its role's (the API's is 10 s). `pnpm turbo test` runs every package's suites at once,
 * and in a local runtime one DynamoDB emulator process serves every function: on a 2-core
 * machine a 100-task `POST /tasks/batch` queued behind the workflows' calls has run past 10 s and
 * answered 500, which AWS's table would not do. Lambda's timeout itself is tested with functions
 * of a 1 s timeout (apps/local's invokeFunction and eventSourceMapping tests).
 */
const E2E_FUNCTION_TIMEOUT_SECONDS = 60;

/**
 * A local runtime's options for an end-to-end suite: a free port, silent handlers and every
 * function given {@link E2E_FUNCTION_TIMEOUT_SECONDS}, with `options` over them.
 */
export function e2eRuntimeOptions<T extends { testOverrides?: object }>(options: T) {
  return {
    port: 0,
    handlerLogLevel: "SILENT" as const,
    ...options,
    testOverrides: {
      functionTimeoutSeconds: E2E_FUNCTION_TIMEOUT_SECONDS,
      ...options.testOverrides,
    },
  };
}
