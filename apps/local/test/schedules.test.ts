import { waitFor } from "@tasklane/test-support";
import type { ScheduledEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type LambdaHandler,
  LambdaInvocationError,
  LocalRuntimeError,
  type Schedules,
  type SchedulesOptions,
  startSchedules,
} from "../src/index.js";
import { deferred, testFunction } from "./helpers/localFunctions.js";

const RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/tasklane-test-sweep-schedule";

describe("the scheduled rules", () => {
  let schedules: Schedules | undefined;

  afterEach(async () => {
    await schedules?.stop();
    schedules = undefined;
    vi.useRealTimers();
  });

  /** Schedules `handler` as the `sweep` function, every minute by its rule, in us-east-1. */
  function scheduleSweep(
    handler: LambdaHandler,
    options: Omit<SchedulesOptions, "functions" | "region" | "accountId"> &
      Partial<Pick<SchedulesOptions, "region">> = {},
  ): Schedules {
    schedules = startSchedules({
      functions: [
        { fn: testFunction(handler, { name: "sweep" }), everyMinutes: 1, ruleArn: RULE_ARN },
      ],
      region: "us-east-1",
      accountId: "000000000000",
      ...options,
    });
    return schedules;
  }

  it("invokes a function every interval with the Scheduled Event EventBridge sends", async () => {
    // Prepare
    const events: ScheduledEvent[] = [];

    // Act
    scheduleSweep(
      async (event) => {
        events.push(event as ScheduledEvent);
      },
      { intervalMs: 20 },
    );
    await waitFor(() => (events.length >= 3 ? true : undefined), { what: "three invocations" });

    // Assess
    expect(events[0]).toEqual({
      version: "0",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "000000000000",
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: "us-east-1",
      resources: [RULE_ARN],
      detail: {},
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("waits everyMinutes between invocations when no interval is given", async () => {
    // Prepare
    vi.useFakeTimers();
    let calls = 0;

    // Act
    scheduleSweep(async () => {
      calls += 1;
    });
    await vi.advanceTimersByTimeAsync(59_999);
    const beforeAMinute = calls;
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(calls).toBe(1));
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(calls).toBe(2));

    // Assess: the first invocation one minute after the start, the next a minute later.
    expect(beforeAMinute).toBe(0);
  });

  it("reports a failed invocation and keeps to the schedule", async () => {
    // Prepare
    const errors: LambdaInvocationError[] = [];
    const failedFunctions: string[] = [];
    let calls = 0;

    // Act
    scheduleSweep(
      async () => {
        calls += 1;
        throw Object.assign(new Error("the table is down"), { name: "ServiceUnavailable" });
      },
      {
        intervalMs: 20,
        onFunctionError: (fn, error) => {
          failedFunctions.push(fn.name);
          errors.push(error);
        },
      },
    );
    await waitFor(() => (errors.length >= 2 ? true : undefined), { what: "two failures" });

    // Assess
    expect(errors[0]).toMatchObject({
      errorType: "ServiceUnavailable",
      errorMessage: "the table is down",
      origin: "function",
    });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(new Set(failedFunctions)).toEqual(new Set(["sweep"]));
  });

  it("runs a function once on demand, resolving when it returns and rejecting when it fails", async () => {
    // Prepare
    const errors: LambdaInvocationError[] = [];
    let fail = false;
    const events: ScheduledEvent[] = [];
    const scheduled = scheduleSweep(
      async (event) => {
        events.push(event as ScheduledEvent);
        if (fail) throw new TypeError("a bug");
      },
      { region: "eu-west-1", onFunctionError: (_fn, error) => errors.push(error) },
    );

    // Act
    await scheduled.run("sweep");
    fail = true;
    const failed = await scheduled.run("sweep").catch((error: unknown) => error);
    const unknown = await scheduled.run("ingest").catch((error: unknown) => error);

    // Assess
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ region: "eu-west-1", resources: [RULE_ARN] });
    expect(failed).toBeInstanceOf(LambdaInvocationError);
    expect(errors).toEqual([failed]);
    expect(unknown).toBeInstanceOf(LocalRuntimeError);
    expect((unknown as Error).message).toContain("ingest is not a scheduled function");
  });

  it("fires no more once stopped, and waits for the invocation in flight", async () => {
    // Prepare
    vi.useFakeTimers();
    const gate = deferred();
    let calls = 0;
    let finished = 0;
    const scheduled = scheduleSweep(
      async () => {
        calls += 1;
        await gate.promise;
        finished += 1;
      },
      { intervalMs: 20 },
    );
    await vi.advanceTimersByTimeAsync(20);
    await vi.waitFor(() => expect(calls).toBe(1));

    // Act: stopped with the first invocation in flight, then fifty intervals' time.
    const stopping = scheduled.stop();
    const callsAtStop = calls;
    gate.resolve();
    await stopping;
    await vi.advanceTimersByTimeAsync(1_000);

    // Assess
    expect(finished).toBe(callsAtStop);
    expect(calls).toBe(callsAtStop);
    expect(scheduled.inFlight).toBe(0);
    await expect(scheduled.run("sweep")).rejects.toBeInstanceOf(LocalRuntimeError);
  });
});
