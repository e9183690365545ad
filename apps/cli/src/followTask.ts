import { type TasklaneClient, type TaskResource, TaskWaitTimeoutError } from "@tasklane/api-client";
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

/**
 * The API client's `waitForTask`, with the CLI's errors: what to do next when it gives up, and
 * that the task keeps running when the user stops following it.
 *
 * @throws WaitTimeoutError after `timeoutMs`; InterruptedError when `signal` aborts.
 */
export async function followTask(
  api: Pick<TasklaneClient, "waitForTask">,
  id: string,
  options: FollowOptions = {},
): Promise<TaskResource> {
  try {
    return await api.waitForTask(id, {
      timeoutMs: options.timeoutMs ?? Number.POSITIVE_INFINITY,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.maxIntervalMs !== undefined ? { maxIntervalMs: options.maxIntervalMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onChange ? { onUpdate: options.onChange } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw stoppedFollowing(id);
    if (error instanceof TaskWaitTimeoutError) {
      throw new WaitTimeoutError(error.message, {
        fix: `it keeps running: follow it with \`tasklane watch ${id}\``,
        data: { taskId: id, ...(error.task ? { status: error.task.status } : {}) },
      });
    }
    throw error;
  }
}

function stoppedFollowing(id: string): InterruptedError {
  return new InterruptedError(
    `stopped following task ${id}; it keeps running (\`tasklane watch ${id}\` follows it again)`,
    { data: { taskId: id } },
  );
}
