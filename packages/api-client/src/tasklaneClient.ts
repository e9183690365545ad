import { isTerminalStatus } from "@tasklane/shared-task/statuses";
import type {
  AcceptedTask,
  BatchResult,
  ProblemDetails,
  TaskList,
  TaskResource,
  TaskStatus,
  TaskTypeDescription,
} from "./apiTypes.js";
import { createRequestSigner, type SigV4Options } from "./signRequest.js";

/** The API answered with an error; `problem` holds its RFC 9457 details when it sent them. */
export class TasklaneApiError extends Error {
  override name = "TasklaneApiError";
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface TasklaneClientOptions {
  /** The API's base URL, such as `http://localhost:3000` or a stack's `apiUrl` output. */
  apiUrl: string;
  /** Sign every request with SigV4, as a stack with IAM auth requires. */
  sigv4?: SigV4Options;
  /** Sent as `x-correlation-id`; the API uses it in its logs and the task's envelope. */
  correlationId?: string;
  fetch?: typeof fetch;
}

export interface ListTasksQuery {
  status?: TaskStatus | TaskStatus[];
  /** An ISO 8601 timestamp or an age like `15m`, `1h`, `7d`. */
  since?: string;
  /** Only tasks of this type. */
  type?: string;
  /** `oldest` first (the default) or `newest` first. */
  order?: "oldest" | "newest";
  limit?: number;
  cursor?: string;
}

export interface WaitOptions {
  /** Give up after this long. @default 300000 (5 minutes); `Infinity` waits as long as it takes */
  timeoutMs?: number;
  /** The first pause between reads; it grows by half each time up to `maxIntervalMs`. @default 250 */
  intervalMs?: number;
  /** @default 2000 */
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** Called with the first state read and with every state that differs from the one before. */
  onUpdate?: (task: TaskResource) => void;
}

/** `waitForTask` gave up: the task had not ended by then. `task` is the last state read. */
export class TaskWaitTimeoutError extends Error {
  override name = "TaskWaitTimeoutError";
  constructor(
    readonly taskId: string,
    readonly task: TaskResource | undefined,
    readonly timeoutMs: number,
  ) {
    super(
      `task ${taskId} is still ${task?.status ?? "not finished"} after ${Math.round(timeoutMs / 1000)} s`,
    );
  }
}

/** Answers worth reading again: the API is busy or briefly unavailable. */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_TRANSIENT_IN_A_ROW = 10;

/**
 * A client for the Tasklane API. Every method throws `TasklaneApiError` for a non-2xx answer.
 *
 * @example
 * ```ts
 * const api = createTasklaneClient({ apiUrl: outputs.apiUrl, sigv4: {} });
 * const { id } = await api.submitTask({ type: "echo", input: { hello: "world" } });
 * const task = await api.waitForTask(id, { timeoutMs: 60_000 });
 * ```
 */
export function createTasklaneClient(options: TasklaneClientOptions) {
  const base = new URL(options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/`);
  const doFetch = options.fetch ?? fetch;
  const sign = options.sigv4 ? createRequestSigner(base, options.sigv4) : undefined;

  async function request<T>(
    method: string,
    path: string,
    init: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const url = new URL(path.replace(/^\//, ""), base);
    for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    let headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.correlationId ? { "x-correlation-id": options.correlationId } : {}),
      ...init.headers,
    };
    if (sign)
      headers = await sign({ method, url, headers, ...(body === undefined ? {} : { body }) });
    const response = await doFetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const problem = parsed && typeof parsed === "object" ? (parsed as ProblemDetails) : undefined;
      throw new TasklaneApiError(
        response.status,
        problem,
        problem?.detail ?? `${method} ${url.pathname} answered ${response.status}`,
      );
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  const client = {
    async submitTask(
      task: { type: string; input?: unknown },
      opts: { idempotencyKey?: string } = {},
    ): Promise<AcceptedTask & { replayed: boolean }> {
      const response = await request<AcceptedTask>("POST", "/tasks", {
        body: task,
        ...(opts.idempotencyKey ? { headers: { "idempotency-key": opts.idempotencyKey } } : {}),
      });
      return { ...response.body, replayed: response.headers.get("idempotent-replayed") === "true" };
    },

    /** Submits up to 100 tasks; rejected items come back with their own errors. */
    async submitBatch(
      tasks: readonly { type: string; input?: unknown; idempotencyKey?: string }[],
    ): Promise<BatchResult> {
      try {
        return (await request<BatchResult>("POST", "/tasks/batch", { body: { tasks } })).body;
      } catch (error) {
        // When every item is rejected the API answers 4xx with the per-item results.
        const problem = (error as TasklaneApiError).problem as Partial<BatchResult> | undefined;
        if (problem && Array.isArray(problem.results)) return problem as BatchResult;
        throw error;
      }
    },

    async getTask(id: string): Promise<TaskResource> {
      return (await request<TaskResource>("GET", `/tasks/${encodeURIComponent(id)}`)).body;
    },

    async listTasks(query: ListTasksQuery = {}): Promise<TaskList> {
      const params: Record<string, string> = {};
      if (query.status) params.status = [query.status].flat().join(",");
      if (query.since) params.since = query.since;
      if (query.type) params.type = query.type;
      if (query.order) params.order = query.order;
      if (query.limit) params.limit = String(query.limit);
      if (query.cursor) params.cursor = query.cursor;
      return (await request<TaskList>("GET", "/tasks", { query: params })).body;
    },

    async cancelTask(id: string): Promise<TaskResource> {
      return (await request<TaskResource>("DELETE", `/tasks/${encodeURIComponent(id)}`)).body;
    },

    /**
     * Retries a failed or cancelled task. With `generation` (the one the caller saw), the retry
     * applies only if nobody retried it since: a 409 otherwise.
     */
    async retryTask(id: string, opts: { generation?: number } = {}): Promise<AcceptedTask> {
      const path = `/tasks/${encodeURIComponent(id)}/retry`;
      const body = opts.generation === undefined ? {} : { body: { generation: opts.generation } };
      return (await request<AcceptedTask>("POST", path, body)).body;
    },

    async listTaskTypes(): Promise<TaskTypeDescription[]> {
      return (await request<{ types: TaskTypeDescription[] }>("GET", "/task-types")).body.types;
    },

    /**
     * Reads the task until it is succeeded, failed or cancelled, and returns it. Pauses start
     * short (most tasks finish in a second) and grow; a few transient API errors in a row are
     * ridden out.
     *
     * @throws TaskWaitTimeoutError after `timeoutMs`; the signal's reason when it aborts.
     */
    async waitForTask(id: string, opts: WaitOptions = {}): Promise<TaskResource> {
      const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
      const started = Date.now();
      const maxInterval = opts.maxIntervalMs ?? 2_000;
      let interval = opts.intervalMs ?? 250;
      let previous: string | undefined;
      let transientInARow = 0;
      for (;;) {
        opts.signal?.throwIfAborted();
        let task: TaskResource | undefined;
        try {
          task = await client.getTask(id);
          transientInARow = 0;
        } catch (error) {
          const transient =
            error instanceof TasklaneApiError && TRANSIENT_STATUSES.has(error.status);
          if (!transient || ++transientInARow > MAX_TRANSIENT_IN_A_ROW) throw error;
        }
        if (task) {
          const state = JSON.stringify([
            task.status,
            task.attempts,
            task.generation,
            task.updatedAt,
          ]);
          if (state !== previous) opts.onUpdate?.(task);
          previous = state;
          if (isTerminalStatus(task.status)) return task;
        }
        if (Date.now() - started + interval > timeoutMs) {
          throw new TaskWaitTimeoutError(id, task, timeoutMs);
        }
        await sleep(interval, opts.signal);
        interval = Math.min(maxInterval, Math.round(interval * 1.5));
      }
    },
  };
  return client;
}

export type TasklaneClient = ReturnType<typeof createTasklaneClient>;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}
