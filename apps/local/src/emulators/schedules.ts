import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";
import { LambdaInvocationError, LocalRuntimeError } from "../errors.js";
import { invokeFunction } from "../lambda/invokeFunction.js";
import type { LocalFunction } from "../types.js";

/** A function an EventBridge rule invokes at a fixed rate: `rate(<everyMinutes> minutes)`. */
export interface ScheduledFunction {
  fn: LocalFunction;
  everyMinutes: number;
  /** The rule's ARN: the event's `resources`. */
  ruleArn: string;
}

export interface SchedulesOptions {
  functions: readonly ScheduledFunction[];
  region: string;
  accountId: string;
  /** Invoke every function this often instead of every `everyMinutes` (tests). */
  intervalMs?: number;
  /** An invocation failed (threw, timed out, was refused). */
  onFunctionError?: (fn: LocalFunction, error: LambdaInvocationError) => void;
}

export interface Schedules {
  /**
   * Invokes a scheduled function once, now, with the event its rule would send. Resolves when it
   * returns; rejects with the `LambdaInvocationError` it failed with, which `onFunctionError`
   * hears as well.
   */
  run(name: string): Promise<void>;
  /** Invocations running now. */
  readonly inFlight: number;
  /** Stops the timers and waits for the invocations running. */
  stop(): Promise<void>;
}

/**
 * EventBridge's scheduled rules for local functions: each function is invoked every
 * `everyMinutes` (the first time one interval after the start, as a new rule first fires), with
 * a `Scheduled Event` as EventBridge sends it. As on AWS an invocation does not wait for the
 * previous one to end. Unlike AWS, a failed invocation is not retried (Lambda retries an
 * asynchronous invocation twice): the next one runs at the next tick.
 */
export function startSchedules(options: SchedulesOptions): Schedules {
  const running = new Set<Promise<void>>();
  let stopped = false;

  const invoke = (scheduled: ScheduledFunction): Promise<void> => {
    const event = scheduledEvent({
      ruleArn: scheduled.ruleArn,
      region: options.region,
      accountId: options.accountId,
      at: new Date(),
    });
    const invocation = invokeFunction(scheduled.fn, event).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof LambdaInvocationError) options.onFunctionError?.(scheduled.fn, error);
        throw error;
      },
    );
    const tracked = invocation.catch(() => undefined);
    running.add(tracked);
    void tracked.finally(() => running.delete(tracked));
    return invocation;
  };

  const timers = options.functions.map((scheduled) =>
    setInterval(
      () => {
        // Its failure has been reported; nobody awaits a tick.
        invoke(scheduled).catch(() => undefined);
      },
      options.intervalMs ?? scheduled.everyMinutes * 60_000,
    ),
  );

  return {
    run(name) {
      if (stopped) return Promise.reject(new LocalRuntimeError("the schedules have stopped"));
      const scheduled = options.functions.find((s) => s.fn.name === name);
      if (!scheduled) {
        const names = options.functions.map((s) => s.fn.name).join(", ") || "none";
        return Promise.reject(
          new LocalRuntimeError(`${name} is not a scheduled function (scheduled: ${names})`),
        );
      }
      return invoke(scheduled);
    },
    get inFlight() {
      return running.size;
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.all([...running]);
    },
  };
}

/** The event an EventBridge scheduled rule sends: `time` is to the second, `detail` empty. */
export function scheduledEvent(input: {
  ruleArn: string;
  region: string;
  accountId: string;
  at: Date;
}): ScheduledEvent<Record<string, never>> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: input.accountId,
    time: input.at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: input.region,
    resources: [input.ruleArn],
    detail: {},
  };
}
