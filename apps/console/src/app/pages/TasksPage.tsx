import { TASK_STATUSES } from "@tasklane/shared-task/statuses";
import { useRef, useState } from "preact/hooks";
import { call, errorText, get } from "../api.js";
import { ChoiceGroup } from "../components/ChoiceGroup.js";
import { Link } from "../components/Link.js";
import { Notice } from "../components/Notice.js";
import { Options } from "../components/Options.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { formatAge, formatTime, plural } from "../format.js";
import {
  AGES,
  type Age,
  filtersFromQuery,
  isOldestFirst,
  listQuery,
  mergeTaskPages,
  queryOfFilters,
  type TaskFilters,
} from "../model/taskList.js";
import type { TaskList, TaskStatus, TaskSummary } from "../model/types.js";
import { navigate } from "../router.js";
import { useTaskTypes } from "../taskTypes.js";
import { usePolling } from "../usePolling.js";
import { PageTitle } from "./PageTitle.js";

/** How often the list asks for its first page again: new tasks and status changes show within it. */
const TASKS_REFRESH_MS = 1_000;

interface ListState {
  tasks: TaskSummary[];
  /** Where "Show older tasks" goes on. */
  cursor?: string;
  oldestFirst: boolean;
  loadedAt?: number;
}

/** The tasks created in a window, newest first, refreshed every second; filters; find by id. */
export function TasksPage({ query }: { query: URLSearchParams }) {
  const filters = filtersFromQuery(query);
  const filterKey = queryOfFilters(filters);
  const { types } = useTaskTypes();
  const [list, setList] = useState<ListState>({ tasks: [], oldestFirst: false });
  const [error, setError] = useState<string>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const firstPage = useRef<TaskSummary[]>([]);
  /** Tasks loaded with "Show older tasks", kept and updated as the first page refreshes. */
  const older = useRef<TaskSummary[]>([]);
  /** The next older page once older pages are open; `null` when there is none. */
  const olderCursor = useRef<string | null>(null);
  const lastFilterKey = useRef(filterKey);
  if (lastFilterKey.current !== filterKey) {
    lastFilterKey.current = filterKey;
    firstPage.current = [];
    older.current = [];
    olderCursor.current = null;
  }

  usePolling(
    async (signal) => {
      try {
        const page = await get<TaskList>(`/api/tasks${listQuery(filters)}`, signal);
        // Tasks that moved off the first page stay shown once older pages are open.
        if (older.current.length > 0)
          older.current = mergeTaskPages(firstPage.current, older.current, filters);
        firstPage.current = page.tasks;
        const cursor = older.current.length > 0 ? olderCursor.current : page.nextCursor;
        setList({
          tasks: mergeTaskPages(page.tasks, older.current, filters),
          ...(cursor ? { cursor } : {}),
          oldestFirst: isOldestFirst(page.tasks),
          loadedAt: Date.now(),
        });
        setError(undefined);
      } catch (failure) {
        if (!signal.aborted) setError(errorText(failure));
      }
    },
    TASKS_REFRESH_MS,
    [filterKey],
  );

  const update = (next: Partial<TaskFilters>) =>
    navigate(`/tasks${queryOfFilters({ ...filters, ...next })}`, { replace: true });
  const toggleStatus = (status: TaskStatus, on: boolean) =>
    update({
      statuses: on
        ? TASK_STATUSES.filter((s) => s === status || filters.statuses.includes(s))
        : filters.statuses.filter((s) => s !== status),
    });

  const showOlder = async () => {
    if (!list.cursor) return;
    setLoadingOlder(true);
    try {
      const page = (await call<TaskList>("GET", `/api/tasks${listQuery(filters, list.cursor)}`))
        .body;
      older.current = mergeTaskPages(page.tasks, older.current, filters);
      olderCursor.current = page.nextCursor ?? null;
      setList((previous) => {
        const { cursor: _done, ...rest } = previous;
        return {
          ...rest,
          tasks: mergeTaskPages(firstPage.current, older.current, filters),
          ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
        };
      });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setLoadingOlder(false);
    }
  };

  const age = AGES.find((a) => a.value === filters.since)?.label ?? filters.since;
  const now = list.loadedAt ?? Date.now();
  return (
    <>
      <PageTitle title="Tasks" />
      <div class="toolbar">
        <FindTask />
        <p class="live" aria-live="off">
          <span class="live-dot" aria-hidden="true" />
          Live
          {list.loadedAt
            ? `, updated ${formatTime(new Date(list.loadedAt).toISOString()).slice(11)}`
            : ""}
        </p>
      </div>
      <form class="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <ChoiceGroup
          legend="Status"
          kind="checkbox"
          name="status"
          values={TASK_STATUSES}
          checked={(status) => filters.statuses.includes(status)}
          onChange={toggleStatus}
        />
        <label>
          Type
          <select value={filters.type} onChange={(e) => update({ type: e.currentTarget.value })}>
            <option value="">all types</option>
            <Options choices={types?.map((t) => t.type) ?? []} />
            {filters.type && !types?.some((t) => t.type === filters.type) && (
              <option value={filters.type}>{filters.type}</option>
            )}
          </select>
        </label>
        <label>
          Created in the last
          <select
            value={filters.since}
            onChange={(e) => update({ since: e.currentTarget.value as Age })}
          >
            <Options choices={AGES} />
          </select>
        </label>
      </form>
      {error && <Notice kind="error">Cannot read the tasks: {error}</Notice>}
      {list.oldestFirst && list.cursor && (
        <Notice kind="info">
          This API lists tasks oldest first: the newest ones of the window may be on later pages.
          Narrow the window to see them.
        </Notice>
      )}
      {list.loadedAt !== undefined && list.tasks.length === 0 ? (
        <p class="empty">
          No task{filters.statuses.length ? ` ${filters.statuses.join(" or ")}` : ""}
          {filters.type ? ` of type ${filters.type}` : ""} was created in the last {age}.{" "}
          <Link href="/submit">Submit one</Link>.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="tasks" aria-busy={list.loadedAt === undefined}>
            <caption>
              {plural(list.tasks.length, "task")} created in the last {age}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Generation</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Finished</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {list.tasks.map((task) => (
                <tr key={task.id} data-task-id={task.id} data-status={task.status}>
                  <td>
                    <Link href={`/tasks/${task.id}`} class="mono">
                      {task.id}
                    </Link>
                  </td>
                  <td>{task.type}</td>
                  <td>
                    <StatusBadge status={task.status} />
                  </td>
                  <td class="num">{task.generation}</td>
                  <td class="num">{task.attempts}</td>
                  <td>
                    <time dateTime={task.createdAt} title={formatTime(task.createdAt)}>
                      {formatAge(task.createdAt, now)}
                    </time>
                  </td>
                  <td>
                    {task.finishedAt ? (
                      <time dateTime={task.finishedAt}>{formatTime(task.finishedAt)}</time>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td class="error-cell">
                    {task.error ? `${task.error.name}: ${task.error.message}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.cursor && (
        <p>
          <button type="button" onClick={showOlder} disabled={loadingOlder}>
            {loadingOlder ? "Loading…" : "Show older tasks"}
          </button>
        </p>
      )}
    </>
  );
}

/** Goes to a task's page by its id. */
function FindTask() {
  const [id, setId] = useState("");
  return (
    <search aria-label="Find a task">
      <form
        class="find"
        onSubmit={(e) => {
          e.preventDefault();
          const wanted = id.trim();
          if (wanted) navigate(`/tasks/${encodeURIComponent(wanted)}`);
        }}
      >
        <label for="find-id">Find a task by id</label>
        <input
          id="find-id"
          name="id"
          class="mono"
          value={id}
          onInput={(e) => setId(e.currentTarget.value)}
          placeholder="0193a5c2-6f1e-7d3a-9f00-3c1b2a4d5e6f"
          autoComplete="off"
          spellcheck={false}
        />
        <button type="submit">Open</button>
      </form>
    </search>
  );
}
