import { setTimeout as sleep } from "node:timers/promises";
import {
  TasklaneApiError,
  type TasklaneClient,
  type TaskResource,
  TERMINAL_STATUSES,
} from "@tasklane/api-client";
import { InterruptedError, WaitTimeoutError } from "./errors.js";

export interface FollowOptions {
  /** Give up after this long. @default no limit */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the first state read and with every state that differs from the one before. */
  onChange?: (task: TaskResource) => void;
  /** The first pause between reads; it grows to `maxIntervalMs`. @default 250 */
  intervalMs?: number;
  /** @default 2000 */
  maxIntervalMs?: number;
}

/** Answers worth reading again: the API is busy or briefly unavailable. */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_TRANSIENT_IN_A_ROW = 10;

/**
 * Reads the task until it is succeeded, failed or cancelled, and returns it. Pauses start short
 * (most tasks finish in a second) and grow; a few transient API errors in a row are ridden out.
 *
 * @throws WaitTimeoutError after `timeoutMs`; InterruptedError when `signal` aborts.
 */
export async function followTask(
  api: Pick<TasklaneClient, "getTask">,
  id: string,
  options: FollowOptions = {},
): Promise<TaskResource> {
  const started = Date.now();
  const maxInterval = options.maxIntervalMs ?? 2_000;
  let interval = options.intervalMs ?? 250;
  let previous: string | undefined;
  let transientInARow = 0;
  for (;;) {
    if (options.signal?.aborted) throw stoppedFollowing(id);
    let task: TaskResource | undefined;
    try {
      task = await api.getTask(id);
      transientInARow = 0;
    } catch (error) {
      const transient = error instanceof TasklaneApiError && TRANSIENT_STATUSES.has(error.status);
      if (!transient || ++transientInARow > MAX_TRANSIENT_IN_A_ROW) throw error;
    }
    if (task) {
      const state = JSON.stringify([task.status, task.attempts, task.generation, task.updatedAt]);
      if (state !== previous) options.onChange?.(task);
      previous = state;
      if (TERMINAL_STATUSES.includes(task.status)) return task;
    }
    const elapsed = Date.now() - started;
    if (options.timeoutMs !== undefined && elapsed + interval > options.timeoutMs) {
      throw new WaitTimeoutError(
        `task ${id} is still ${task?.status ?? "not finished"} after ${Math.round(options.timeoutMs / 1000)} s`,
        {
          fix: `it keeps running: follow it with \`tasklane watch ${id}\``,
          data: { taskId: id, ...(task ? { status: task.status } : {}) },
        },
      );
    }
    try {
      await sleep(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      throw stoppedFollowing(id);
    }
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

function stoppedFollowing(id: string): InterruptedError {
  return new InterruptedError(
    `stopped following task ${id}; it keeps running (\`tasklane watch ${id}\` follows it again)`,
    { data: { taskId: id } },
  );
}
