import type { TaskList } from "@tasklane/api-client";
import {
  LIST_MAX_LIMIT,
  TASK_STATUSES,
  TASK_TYPE_PATTERN,
  type TaskStatus,
} from "@tasklane/shared-task";
import { type Actor, cursorAfter, type ListQuery, type TaskRecords } from "@tasklane/task-store";
import * as z from "zod";
import { presentListed } from "./presentTask.js";
import type { FieldError } from "./problem.js";

export const LIST_DEFAULT_SINCE_MS = 24 * 60 * 60 * 1000;
/**
 * A page's JSON stays under this many bytes, far below Lambda's 6 MB response limit, however
 * large the listed tasks' errors: the page ends early, with a cursor, rather than grow past it.
 */
export const LIST_PAGE_MAX_BYTES = 1024 * 1024;

export type { ListQuery };

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
  let type: string | undefined;
  if (params.type !== undefined) {
    if (TASK_TYPE_PATTERN.test(params.type)) type = params.type;
    else errors.push({ path: "type", message: "must be a task type name" });
  }
  let order: "oldest" | "newest" | undefined;
  if (params.order !== undefined) {
    if (params.order === "oldest" || params.order === "newest") order = params.order;
    else errors.push({ path: "order", message: "must be oldest or newest" });
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
      ...(type ? { type } : {}),
      ...(order ? { order } : {}),
      ...(params.cursor ? { cursor: params.cursor } : {}),
    },
  };
}

/**
 * The caller's tasks created since `query.since` (every caller's for an operator), oldest first
 * unless `query.order` is `newest`, from the table's listing indexes: one query per shard, no
 * read per task.
 */
export async function listTasks(
  records: Pick<TaskRecords, "list">,
  actor: Actor,
  query: ListQuery,
): Promise<TaskList> {
  const page = await records.list(actor, query);
  const tasks: TaskList["tasks"] = [];
  let bytes = 64;
  for (const [index, listed] of page.tasks.entries()) {
    const task = presentListed(listed);
    bytes += Buffer.byteLength(JSON.stringify(task)) + 1;
    if (bytes > LIST_PAGE_MAX_BYTES && index > 0) {
      const last = page.tasks[index - 1];
      return { tasks, ...(last ? { nextCursor: cursorAfter(last.listKey) } : {}) };
    }
    tasks.push(task);
  }
  return page.nextCursor ? { tasks, nextCursor: page.nextCursor } : { tasks };
}
