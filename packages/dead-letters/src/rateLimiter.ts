import { setTimeout as sleep } from "node:timers/promises";

/** Spaces out work to at most `perSecond` units a second. */
export interface RateLimiter {
  /** Waits until `units` more may go; false when `signal` aborted the wait. */
  take(units: number): Promise<boolean>;
}

/** The time a rate is kept by. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

export function rateLimiter(
  perSecond: number,
  signal?: AbortSignal,
  clock: Clock = SYSTEM_CLOCK,
): RateLimiter {
  let nextAt = clock.now();
  return {
    async take(units) {
      const now = clock.now();
      const wait = nextAt - now;
      nextAt = Math.max(nextAt, now) + (units * 1_000) / perSecond;
      if (wait <= 0) return !signal?.aborted;
      try {
        await clock.sleep(wait, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}
