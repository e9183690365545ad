import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  LIST_MAX_LIMIT,
  type ListTasksQuery,
  type TasklaneClient,
  type TaskSummary,
  TERMINAL_STATUSES,
} from "@tasklane/api-client";
import { queueDepth, queueName } from "@tasklane/dead-letters";
import type { Overview, ThroughputMinute } from "../shared/consoleViews.js";
import { describeFailure } from "./apiProxy.js";

/** Minutes of finished tasks the overview's chart shows. */
export const THROUGHPUT_MINUTES = 30;
/** Pages of `GET /tasks` (`LIST_MAX_LIMIT` tasks each) one overview reads at most, per question. */
const OVERVIEW_MAX_PAGES = 10;
/** An overview is computed at most this often, however many pages ask for it. */
const OVERVIEW_MAX_AGE_MS = 1_000;

export interface OverviewSources {
  api: Pick<TasklaneClient, "listTasks">;
  sqs?: SQSClient | undefined;
  queueUrl?: string | undefined;
  dlqUrl?: string | undefined;
  now?: () => Date;
}

/** The overview, computed at most once a second and shared by every page that asks at once. */
export function overviewSource(sources: OverviewSources): () => Promise<Overview> {
  let last: { at: number; overview: Promise<Overview> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > OVERVIEW_MAX_AGE_MS) {
      last = { at: now, overview: computeOverview(sources) };
    }
    return last.overview;
  };
}

async function computeOverview(sources: OverviewSources): Promise<Overview> {
  const now = (sources.now ?? (() => new Date()))();
  const errors: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      errors.push(`${what}: ${describeFailure(error)}`);
      return undefined;
    }
  };
  const depthOf = (url: string | undefined) =>
    sources.sqs && url
      ? attempt(`the depth of ${queueName(url)}`, async () => ({
          name: queueName(url),
          ...(await queueDepth(sources.sqs as SQSClient, url)),
        }))
      : Promise.resolve(undefined);

  const [queue, dlq, active, finished] = await Promise.all([
    depthOf(sources.queueUrl),
    depthOf(sources.dlqUrl),
    attempt("the queued and running tasks", () =>
      listTasks(sources.api, { status: ["queued", "running"], since: "24h" }),
    ),
    attempt("the finished tasks", () =>
      listTasks(sources.api, {
        status: [...TERMINAL_STATUSES],
        since: `${THROUGHPUT_MINUTES * 2}m`,
      }),
    ),
  ]);
  const overview: Overview = { generatedAt: now.toISOString(), errors };
  if (queue) overview.queue = queue;
  if (dlq) overview.dlq = dlq;
  if (active) overview.active = summarizeActive(active.tasks, active.complete);
  if (finished) {
    overview.throughput = {
      minutes: throughputByMinute(finished.tasks, now),
      complete: finished.complete,
    };
  }
  return overview;
}

/** Reads up to `OVERVIEW_MAX_PAGES` pages of `GET /tasks`, newest first where the API can. */
async function listTasks(
  api: Pick<TasklaneClient, "listTasks">,
  query: Pick<ListTasksQuery, "status" | "since">,
): Promise<{ tasks: TaskSummary[]; complete: boolean }> {
  const tasks: TaskSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < OVERVIEW_MAX_PAGES; page++) {
    const list = await api.listTasks({
      ...query,
      limit: LIST_MAX_LIMIT,
      order: "newest",
      ...(cursor ? { cursor } : {}),
    });
    tasks.push(...list.tasks);
    cursor = list.nextCursor;
    if (!cursor) return { tasks, complete: true };
  }
  return { tasks, complete: false };
}

export function summarizeActive(
  tasks: readonly TaskSummary[],
  complete: boolean,
): NonNullable<Overview["active"]> {
  let queued = 0;
  let running = 0;
  let oldestQueuedAt: string | undefined;
  for (const task of tasks) {
    if (task.status === "running") running++;
    if (task.status !== "queued") continue;
    queued++;
    if (!oldestQueuedAt || Date.parse(task.createdAt) < Date.parse(oldestQueuedAt)) {
      oldestQueuedAt = task.createdAt;
    }
  }
  return { queued, running, ...(oldestQueuedAt ? { oldestQueuedAt } : {}), complete };
}

/** Finished tasks counted by the minute they finished in, over the last `THROUGHPUT_MINUTES`. */
export function throughputByMinute(tasks: readonly TaskSummary[], now: Date): ThroughputMinute[] {
  const minuteMs = 60_000;
  const last = Math.floor(now.getTime() / minuteMs) * minuteMs;
  const first = last - (THROUGHPUT_MINUTES - 1) * minuteMs;
  const minutes: ThroughputMinute[] = Array.from({ length: THROUGHPUT_MINUTES }, (_, i) => ({
    at: new Date(first + i * minuteMs).toISOString(),
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  }));
  for (const task of tasks) {
    if (task.status !== "succeeded" && task.status !== "failed" && task.status !== "cancelled") {
      continue;
    }
    const finished = Date.parse(task.finishedAt ?? task.updatedAt);
    const index = Math.floor((finished - first) / minuteMs);
    const minute = minutes[index];
    if (minute) minute[task.status]++;
  }
  return minutes;
}
