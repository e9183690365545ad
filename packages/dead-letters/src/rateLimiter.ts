import { setTimeout as sleep } from "node:timers/promises";

/** Spaces out work to at most `perSecond` units a second. */
export interface RateLimiter {
  /** Waits until `units` more may go; false when `signal` aborted the wait. */
  take(units: number): Promise<boolean>;
}

export function rateLimiter(perSecond: number, signal?: AbortSignal): RateLimiter {
  let nextAt = Date.now();
  return {
    async take(units) {
      const now = Date.now();
      const wait = nextAt - now;
      nextAt = Math.max(nextAt, now) + (units * 1_000) / perSecond;
      if (wait <= 0) return !signal?.aborted;
      try {
        await sleep(wait, undefined, signal ? { signal } : {});
        return true;
      } catch {
        return false;
      }
    },
  };
}
