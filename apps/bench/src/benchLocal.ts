import { createTasklaneClient, type TaskResource } from "@tasklane/api-client";
import { startLocalRuntime } from "@tasklane/local";
import { type LatencySummary, summarize } from "./latencyStats.js";

export interface BenchOptions {
  tasks: number;
  /** Tasks per `POST /tasks/batch` (1 to 100); 1 uses `POST /tasks`. */
  batchSize: number;
  /** Requests in flight while submitting. */
  concurrency: number;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface BenchResult {
  tasks: number;
  succeeded: number;
  submitSeconds: number;
  /** From the first task's creation to the last one's completion. */
  wallSeconds: number;
  tasksPerSecond: number;
  /** Submit (`createdAt`) to `succeeded` (`finishedAt`), per task. */
  latencyMs: LatencySummary;
  peakRssMiB: number;
  config: { maximumConcurrency: number; batchSize: number; batchingWindowSeconds: number };
}

/**
 * Pushes `tasks` echo tasks through a fresh local runtime (the built bundles, Pulumi.dev.yaml's
 * settings) and measures how fast they finish. Latency is read from each task's own timestamps
 * (`createdAt` when the producer accepted it, `finishedAt` when its result was written), so the
 * benchmark's polling does not blur it.
 */
export async function benchLocal(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const runtime = await startLocalRuntime({ port: 0, handlerLogLevel: "SILENT" });
  try {
    const api = createTasklaneClient({ apiUrl: runtime.apiUrl });
    log(`local runtime up at ${runtime.apiUrl}; submitting ${options.tasks} echo tasks`);

    const since = new Date(Date.now() - 1_000).toISOString();
    const submitStart = performance.now();
    const ids = await submitAll(api, options);
    const submitSeconds = (performance.now() - submitStart) / 1000;
    log(`submitted in ${submitSeconds.toFixed(2)} s; waiting for them to succeed`);

    await waitForTasks(api, ids, since, options.timeoutMs, log);
    const tasks = await readAll(api, ids);
    const succeeded = tasks.filter((t) => t.status === "succeeded");
    const latencies = succeeded.map(
      (t) => Date.parse(t.finishedAt ?? "") - Date.parse(t.createdAt),
    );
    const first = Math.min(...tasks.map((t) => Date.parse(t.createdAt)));
    const last = Math.max(...succeeded.map((t) => Date.parse(t.finishedAt ?? "")));
    const wallSeconds = (last - first) / 1000;
    return {
      tasks: ids.length,
      succeeded: succeeded.length,
      submitSeconds,
      wallSeconds,
      tasksPerSecond: succeeded.length / wallSeconds,
      latencyMs: summarize(latencies),
      peakRssMiB: peakRss / 1024 / 1024,
      config: {
        maximumConcurrency: runtime.config.consumer.maximumConcurrency,
        batchSize: runtime.config.consumer.batchSize,
        batchingWindowSeconds: runtime.config.consumer.batchingWindowSeconds,
      },
    };
  } finally {
    clearInterval(sampler);
    await runtime.stop();
  }
}

type Api = ReturnType<typeof createTasklaneClient>;

async function submitAll(api: Api, options: BenchOptions): Promise<string[]> {
  const chunks: number[][] = [];
  for (let i = 0; i < options.tasks; i += options.batchSize) {
    chunks.push(
      Array.from({ length: Math.min(options.batchSize, options.tasks - i) }, (_, k) => i + k),
    );
  }
  const ids: string[] = [];
  await inParallel(chunks, options.concurrency, async (chunk) => {
    if (chunk.length === 1) {
      ids.push((await api.submitTask({ type: "echo", input: { n: chunk[0] } })).id);
      return;
    }
    const result = await api.submitBatch(chunk.map((n) => ({ type: "echo", input: { n } })));
    for (const item of result.results) {
      if (!("id" in item)) throw new Error(`task ${item.index} was rejected: ${item.error.detail}`);
      ids.push(item.id);
    }
  });
  return ids;
}

/**
 * Waits until every task reads `succeeded`, through the API's listing (whatever workflow ran
 * it: Express executions cannot be listed), one page of 100 at a time, once a second.
 */
async function waitForTasks(
  api: Api,
  ids: readonly string[],
  since: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const wanted = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  let reported = -1;
  for (;;) {
    let done = 0;
    let cursor: string | undefined;
    do {
      const page = await api.listTasks({
        status: "succeeded",
        since,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const task of page.tasks) if (wanted.has(task.id)) done++;
      cursor = page.nextCursor;
    } while (cursor);
    if (done !== reported && done % 500 < 100) log(`${done}/${ids.length} succeeded`);
    reported = done;
    if (done === ids.length) return;
    if (Date.now() > deadline)
      throw new Error(`only ${done}/${ids.length} tasks succeeded within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function readAll(api: Api, ids: readonly string[]): Promise<TaskResource[]> {
  const tasks: TaskResource[] = [];
  await inParallel([...ids], 20, async (id) => {
    tasks.push(await api.getTask(id));
  });
  return tasks;
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The result as the lines `pnpm bench:local` prints. */
export function formatBenchResult(result: BenchResult): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `tasks            ${result.succeeded}/${result.tasks} succeeded`,
    `throughput       ${result.tasksPerSecond.toFixed(1)} tasks/s (first submitted to last succeeded: ${result.wallSeconds.toFixed(2)} s)`,
    `submission       ${result.submitSeconds.toFixed(2)} s (${(result.tasks / result.submitSeconds).toFixed(0)} tasks/s accepted)`,
    `latency          p50 ${ms(result.latencyMs.p50)}  p90 ${ms(result.latencyMs.p90)}  p99 ${ms(result.latencyMs.p99)}  max ${ms(result.latencyMs.max)}  (submit -> succeeded)`,
    `peak RSS         ${result.peakRssMiB.toFixed(0)} MiB (the whole runtime, one process)`,
    `consumer         maximumConcurrency ${result.config.maximumConcurrency}, batch ${result.config.batchSize}, window ${result.config.batchingWindowSeconds} s (Pulumi.dev.yaml)`,
  ].join("\n");
}
