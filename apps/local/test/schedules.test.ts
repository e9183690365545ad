import { waitFor } from "@tasklane/test-support";
import type { ScheduledEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import {
  LambdaInvocationError,
  LocalRuntimeError,
  type Schedules,
  startSchedules,
} from "../src/index.js";
import { deferred, testFunction } from "./helpers/localFunctions.js";

const RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/tasklane-test-sweep-schedule";

describe("the scheduled rules", () => {
  let schedules: Schedules | undefined;

  afterEach(async () => {
    await schedules?.stop();
    schedules = undefined;
  });

  it("invokes a function every interval with the Scheduled Event EventBridge sends", async () => {
    // Prepare
    const events: ScheduledEvent[] = [];
    const sweep = testFunction(
      async (event) => {
        events.push(event as ScheduledEvent);
      },
      { name: "sweep" },
    );

    // Act
    schedules = startSchedules({
      functions: [{ fn: sweep, everyMinutes: 1, ruleArn: RULE_ARN }],
      region: "us-east-1",
      accountId: "000000000000",
      intervalMs: 20,
    });
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
    let calls = 0;
    const sweep = testFunction(
      async () => {
        calls += 1;
      },
      { name: "sweep" },
    );

    // Act
    schedules = startSchedules({
      functions: [{ fn: sweep, everyMinutes: 1, ruleArn: RULE_ARN }],
      region: "us-east-1",
      accountId: "000000000000",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Assess
    expect(calls).toBe(0);
  });

  it("reports a failed invocation and keeps to the schedule", async () => {
    // Prepare
    const errors: LambdaInvocationError[] = [];
    const failedFunctions: string[] = [];
    let calls = 0;
    const sweep = testFunction(
      async () => {
        calls += 1;
        throw Object.assign(new Error("the table is down"), { name: "ServiceUnavailable" });
      },
      { name: "sweep" },
    );

    // Act
    schedules = startSchedules({
      functions: [{ fn: sweep, everyMinutes: 1, ruleArn: RULE_ARN }],
      region: "us-east-1",
      accountId: "000000000000",
      intervalMs: 20,
      onFunctionError: (fn, error) => {
        failedFunctions.push(fn.name);
        errors.push(error);
      },
    });
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
    const sweep = testFunction(
      async (event) => {
        events.push(event as ScheduledEvent);
        if (fail) throw new TypeError("a bug");
      },
      { name: "sweep" },
    );
    schedules = startSchedules({
      functions: [{ fn: sweep, everyMinutes: 1, ruleArn: RULE_ARN }],
      region: "eu-west-1",
      accountId: "000000000000",
      onFunctionError: (_fn, error) => errors.push(error),
    });

    // Act
    await schedules.run("sweep");
    fail = true;
    const failed = await schedules.run("sweep").catch((error: unknown) => error);
    const unknown = await schedules.run("ingest").catch((error: unknown) => error);

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
    const gate = deferred();
    let calls = 0;
    let finished = 0;
    const sweep = testFunction(
      async () => {
        calls += 1;
        await gate.promise;
        finished += 1;
      },
      { name: "sweep" },
    );
    schedules = startSchedules({
      functions: [{ fn: sweep, everyMinutes: 1, ruleArn: RULE_ARN }],
      region: "us-east-1",
      accountId: "000000000000",
      intervalMs: 20,
    });
    await waitFor(() => (calls >= 1 ? true : undefined));

    // Act
    const stopping = schedules.stop();
    const callsAtStop = calls;
    gate.resolve();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 80));

    // Assess
    expect(finished).toBe(callsAtStop);
    expect(calls).toBe(callsAtStop);
    expect(schedules.inFlight).toBe(0);
    await expect(schedules.run("sweep")).rejects.toBeInstanceOf(LocalRuntimeError);
  });
});
