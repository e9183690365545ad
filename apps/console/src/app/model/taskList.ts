import { TASK_STATUSES } from "@tasklane/shared-task/statuses";
import type { TaskStatus, TaskSummary } from "./types.js";

/** The ages the list offers, as `GET /tasks?since=` takes them. */
export const AGES = [
  { value: "15m", label: "15 minutes" },
  { value: "1h", label: "hour" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
] as const;

export type Age = (typeof AGES)[number]["value"];

export interface TaskFilters {
  statuses: TaskStatus[];
  type: string;
  since: Age;
}

export const DEFAULT_FILTERS: TaskFilters = { statuses: [], type: "", since: "1h" };

/** Filters from the page's query string (`?status=failed,cancelled&type=flaky&since=24h`). */
export function filtersFromQuery(query: URLSearchParams): TaskFilters {
  const statuses = (query.get("status") ?? "")
    .split(",")
    .filter((s): s is TaskStatus => (TASK_STATUSES as readonly string[]).includes(s));
  const since = AGES.find((a) => a.value === query.get("since"))?.value ?? DEFAULT_FILTERS.since;
  return { statuses, type: query.get("type") ?? "", since };
}

export function queryOfFilters(filters: TaskFilters): string {
  const query = new URLSearchParams();
  if (filters.statuses.length > 0) query.set("status", filters.statuses.join(","));
  if (filters.type) query.set("type", filters.type);
  if (filters.since !== DEFAULT_FILTERS.since) query.set("since", filters.since);
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Tasks a page of the list shows at once. */
export const PAGE_SIZE = 50;

/** `GET /tasks`'s query for the filters: newest first, where the API can. */
export function listQuery(filters: TaskFilters, cursor?: string): string {
  const query = new URLSearchParams({
    since: filters.since,
    limit: String(PAGE_SIZE),
    order: "newest",
  });
  if (filters.statuses.length > 0) query.set("status", filters.statuses.join(","));
  if (filters.type) query.set("type", filters.type);
  if (cursor) query.set("cursor", cursor);
  return `?${query}`;
}

/** Newest first, ties by id: the order the list shows whatever order the API sent. */
export function newestFirst(a: TaskSummary, b: TaskSummary): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1);
}

/** True when a page came oldest first: an API that does not know `order=newest`. */
export function isOldestFirst(tasks: readonly TaskSummary[]): boolean {
  const first = tasks[0];
  const last = tasks.at(-1);
  return (
    first !== undefined &&
    last !== undefined &&
    Date.parse(first.createdAt) < Date.parse(last.createdAt)
  );
}

/**
 * The list after a refresh of its first page: the fresh page's tasks replace their old
 * states, tasks loaded from later pages stay, and the filters apply to all (the API may not
 * know the `type` filter).
 */
export function mergeTaskPages(
  firstPage: readonly TaskSummary[],
  later: readonly TaskSummary[],
  filters: TaskFilters,
): TaskSummary[] {
  const byId = new Map<string, TaskSummary>();
  for (const task of later) byId.set(task.id, task);
  for (const task of firstPage) byId.set(task.id, task);
  return [...byId.values()].filter((task) => matches(task, filters)).sort(newestFirst);
}

export function matches(task: TaskSummary, filters: TaskFilters): boolean {
  if (filters.type && task.type !== filters.type) return false;
  if (filters.statuses.length > 0 && !filters.statuses.includes(task.status)) return false;
  return true;
}
