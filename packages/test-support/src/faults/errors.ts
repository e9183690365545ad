import type { CallPoint } from "./types.js";

/** The name every call of a crashed session throws; a test can tell a crash from a fault by it. */
export const HANDLER_CRASHED = "HandlerCrashed";

/**
 * The handler's process died at a call boundary: the call that killed it throws this, and so
 * does every later call through any client of the same session, since a dead process makes no
 * more calls. Code that swallows it and goes on is still dead: the session says `crashed`.
 */
export class HandlerCrashedError extends Error {
  override name = HANDLER_CRASHED;

  constructor(readonly point: CallPoint | undefined) {
    super(
      point
        ? `the handler crashed at ${point.service}.${point.command}#${point.nth}`
        : "the handler had crashed before this call",
    );
  }
}

/** Whether `error` is (or wraps) a `HandlerCrashed`. */
export function isHandlerCrash(error: unknown): boolean {
  for (
    let e = error as { name?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (e.name === HANDLER_CRASHED) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The error Node's HTTP stack throws when the peer resets the connection. */
export function connectionReset(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

/** The error the SDK's Node HTTP handler throws when an answer does not come in time. */
export function requestTimeout(): Error {
  return Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" });
}
