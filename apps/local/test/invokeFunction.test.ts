import { setTimeout as sleep } from "node:timers/promises";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { invokeFunction, LAMBDA_PAYLOAD_MAX_BYTES, LambdaInvocationError } from "../src/index.js";
import { testFunction } from "./helpers/localFunctions.js";

describe("invoking a local function", () => {
  it("passes a copy of the event and a Lambda context, and returns the result as JSON", async () => {
    // Prepare
    const event = { n: 1, nested: { a: [1, 2] } };
    let seen: { event: unknown; context: Context } | undefined;
    const fn = testFunction(
      async (received, context) => {
        seen = { event: received, context };
        (received as { n: number }).n = 2;
        return { at: new Date(0), dropped: undefined };
      },
      { functionName: "tasklane-dev-ingest", memoryMb: 256, timeoutSeconds: 10 },
    );

    // Act
    const result = await invokeFunction(fn, event);

    // Assess
    expect(result).toEqual({ at: "1970-01-01T00:00:00.000Z" });
    expect(event.n).toBe(1);
    expect(seen?.event).toEqual({ n: 2, nested: { a: [1, 2] } });
    expect(seen?.context).toMatchObject({
      functionName: "tasklane-dev-ingest",
      functionVersion: "$LATEST",
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/tasklane-dev-ingest",
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(seen?.context.getRemainingTimeInMillis()).toBeGreaterThan(9_000);
  });

  it("reports a thrown error as Lambda does: its name as errorType, with message and trace", async () => {
    // Prepare
    const fn = testFunction(async () => {
      throw Object.assign(new Error("try later"), { name: "TaskRetryableError" });
    });

    // Act
    const error = await invokeFunction(fn, {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect(error).toMatchObject({
      errorType: "TaskRetryableError",
      errorMessage: "try later",
      origin: "function",
    });
    expect(JSON.parse((error as LambdaInvocationError).toErrorPayload())).toMatchObject({
      errorType: "TaskRetryableError",
      errorMessage: "try later",
      trace: expect.arrayContaining([expect.stringContaining("TaskRetryableError: try later")]),
    });
  });

  it("fails an invocation that outlives the function's timeout with Sandbox.Timedout", async () => {
    // Prepare
    const fn = testFunction(() => sleep(1_500), { timeoutSeconds: 1 });

    // Act
    const error = await invokeFunction(fn, {}).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: expect.stringContaining("Task timed out after 1.00 seconds"),
    });
  });

  it("refuses an event over Lambda's 6 MB payload limit before the handler runs", async () => {
    // Prepare
    let ran = false;
    const fn = testFunction(() => {
      ran = true;
    });

    // Act
    const error = await invokeFunction(fn, "x".repeat(LAMBDA_PAYLOAD_MAX_BYTES)).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toMatchObject({ errorType: "RequestEntityTooLargeException", origin: "service" });
    expect(ran).toBe(false);
  });

  it("fails a result over 6 MB, as Lambda does", async () => {
    // Prepare
    const fn = testFunction(() => "x".repeat(LAMBDA_PAYLOAD_MAX_BYTES));

    // Act
    const error = await invokeFunction(fn, {}).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ errorType: "Function.ResponseSizeTooLarge", origin: "function" });
  });

  describe("a function whose handler loads at its first invocation", () => {
    /** A function whose `load` counts its calls, and fails the first `failures` of them. */
    function loadingFunction(options: {
      failures?: number;
      loadMs?: number;
      timeoutSeconds?: number;
    }) {
      let loads = 0;
      const fn = testFunction(async () => "unused", {
        timeoutSeconds: options.timeoutSeconds ?? 10,
      });
      fn.handler = undefined;
      fn.load = async () => {
        loads += 1;
        await sleep(options.loadMs ?? 10);
        if (loads <= (options.failures ?? 0)) throw new TypeError(`init failed (load ${loads})`);
        let calls = 0;
        return async () => ({ calls: ++calls });
      };
      return { fn, loads: () => loads };
    }

    it("loads it once, for the invocations that arrive while it loads too", async () => {
      // Prepare
      const { fn, loads } = loadingFunction({});

      // Act
      const first = await Promise.all([invokeFunction(fn, {}), invokeFunction(fn, {})]);
      const later = await invokeFunction(fn, {});

      // Assess
      expect(loads()).toBe(1);
      expect([...first, later]).toEqual([{ calls: 1 }, { calls: 2 }, { calls: 3 }]);
    });

    it("fails the invocation with the load's error, as an init error, and loads again at the next", async () => {
      // Prepare
      const { fn, loads } = loadingFunction({ failures: 1 });

      // Act
      const failed = await invokeFunction(fn, {}).catch((error: unknown) => error);
      const next = await invokeFunction(fn, {});

      // Assess
      expect(failed).toBeInstanceOf(LambdaInvocationError);
      expect(failed).toMatchObject({
        errorType: "TypeError",
        errorMessage: "init failed (load 1)",
        origin: "function",
      });
      expect(next).toEqual({ calls: 1 });
      expect(loads()).toBe(2);
    });

    it("does not count the load against the function's timeout, as Lambda times init apart", async () => {
      // Prepare: a load longer than the whole timeout.
      const { fn } = loadingFunction({ loadMs: 1_500, timeoutSeconds: 1 });

      // Act
      const result = await invokeFunction(fn, {});

      // Assess
      expect(result).toEqual({ calls: 1 });
    });
  });
});
