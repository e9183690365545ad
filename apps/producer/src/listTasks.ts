import { TASK_STATUSES, type TaskStatus } from "@tasklane/shared-task";
import { readTaskView, type TaskViewDeps } from "@tasklane/task-store";
import * as z from "zod";
import { presentTask, type TaskResource } from "./presentTask.js";
import type { FieldError } from "./problem.js";

export const LIST_DEFAULT_SINCE_MS = 24 * 60 * 60 * 1000;
export const LIST_MAX_LIMIT = 100;
const READ_CONCURRENCY = 10;

export interface ListQuery {
  since: Date;
  statuses?: TaskStatus[];
  limit: number;
  cursor?: string;
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `since` as a timestamp (`2026-11-25T10:00:00Z`) or an age (`90s`, `15m`, `1h`, `7d`). */
export function parseSince(value: string, now: Date): Date | undefined {
  const duration = DURATION.exec(value);
  if (duration)
    return new Date(
      now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS],
    );
  const parsed = z.iso.datetime({ offset: true }).safeParse(value);
  return parsed.success ? new Date(parsed.data) : undefined;
}

/** Reads `GET /tasks`'s query string; every bad parameter is named. */
export function parseListQuery(
  params: Record<string, string | undefined>,
  now: Date,
): { query: ListQuery } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  let since = new Date(now.getTime() - LIST_DEFAULT_SINCE_MS);
  if (params.since !== undefined) {
    const parsed = parseSince(params.since, now);
    if (parsed) since = parsed;
    else
      errors.push({
        path: "since",
        message: "must be an ISO 8601 timestamp or an age like 15m, 1h, 7d",
      });
  }
  let statuses: TaskStatus[] | undefined;
  if (params.status !== undefined) {
    const wanted = params.status.split(",").map((s) => s.trim());
    const unknown = wanted.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (unknown.length)
      errors.push({
        path: "status",
        message: `must be among ${TASK_STATUSES.join(", ")}; got ${unknown.join(", ")}`,
      });
    else statuses = wanted as TaskStatus[];
  }
  let limit = 50;
  if (params.limit !== undefined) {
    const n = Number(params.limit);
    if (Number.isInteger(n) && n >= 1 && n <= LIST_MAX_LIMIT) limit = n;
    else
      errors.push({ path: "limit", message: `must be a whole number from 1 to ${LIST_MAX_LIMIT}` });
  }
  if (errors.length) return { errors };
  return {
    query: {
      since,
      limit,
      ...(statuses ? { statuses } : {}),
      ...(params.cursor ? { cursor: params.cursor } : {}),
    },
  };
}

/**
 * Tasks created since `query.since`, oldest first. A page scans `limit` tasks of the creation
 * index; with a status filter a page may hold fewer, and `nextCursor` continues the scan.
 */
export async function listTasks(
  deps: TaskViewDeps,
  query: ListQuery,
): Promise<{ tasks: TaskResource[]; nextCursor?: string }> {
  const page = await deps.store.listCreatedSince(query.since, {
    limit: query.limit,
    cursor: query.cursor,
  });
  const views = new Array<TaskResource | undefined>(page.entries.length);
  let next = 0;
  const worker = async () => {
    while (next < page.entries.length) {
      const index = next++;
      const entry = page.entries[index];
      if (!entry) continue;
      const view = await readTaskView(deps, entry.taskId);
      // A missing record is a submission that was rolled back; the index keeps no secrets.
      if (view && (!query.statuses || query.statuses.includes(view.status))) {
        views[index] = await presentTask(view, deps.store);
      }
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  const tasks = views.filter((v): v is TaskResource => v !== undefined);
  return page.cursor ? { tasks, nextCursor: page.cursor } : { tasks };
}
