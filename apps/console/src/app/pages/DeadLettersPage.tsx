import { useRef, useState } from "preact/hooks";
import { call, errorText, get } from "../api.js";
import { type ActionButton, ActionButtons } from "../components/ActionButtons.js";
import { ConfirmDialog } from "../components/ConfirmDialog.js";
import { Link } from "../components/Link.js";
import { Notice } from "../components/Notice.js";
import { formatTime, plural } from "../format.js";
import type {
  DeadLetterChoice,
  DeadLetterJson,
  DeadLetterPage,
  PurgeAnswer,
  QueueDepth,
  RedriveAnswer,
  SweepAnswer,
} from "../model/types.js";
import { usePolling } from "../usePolling.js";
import { PageTitle } from "./PageTitle.js";

/**
 * How often the page checks the DLQ's depth. It reads the messages again only when the depth
 * changes: every read is a receive, which SQS counts in each message's receive count.
 */
const DEPTH_REFRESH_MS = 1_000;

interface ActionResult extends SweepAnswer {
  action: "redrive" | "purge";
  /** Messages redriven, or deleted. */
  done: number;
}

const idOf = (letter: DeadLetterJson) => letter.taskId ?? letter.messageId;
const total = (d: QueueDepth) => d.visible + d.inFlight + d.delayed;

/** The DLQ's messages, peeked at; redrive one, the selected or all; purge after a confirmation. */
export function DeadLettersPage() {
  const [page, setPage] = useState<DeadLetterPage>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult>();
  const [purging, setPurging] = useState<DeadLetterChoice>();
  const lastDepth = useRef<number | undefined>(undefined);

  const load = async (signal?: AbortSignal) => {
    const next = await get<DeadLetterPage>("/console/dlq?limit=100", signal);
    lastDepth.current = total(next.depth);
    setPage(next);
    setSelected((old) => new Set(next.messages.map(idOf).filter((id) => old.has(id))));
    setError(undefined);
  };
  const { refresh } = usePolling(
    async (signal) => {
      try {
        if (lastDepth.current === undefined) return await load(signal);
        const { depth } = await get<{ depth: QueueDepth }>("/console/dlq/depth", signal);
        if (total(depth) !== lastDepth.current) await load(signal);
      } catch (failure) {
        if (!signal.aborted) setError(errorText(failure));
      }
    },
    DEPTH_REFRESH_MS,
    [],
  );

  const run = async (action: "redrive" | "purge", choice: DeadLetterChoice) => {
    setBusy(true);
    setResult(undefined);
    try {
      const { body } = await call<RedriveAnswer | PurgeAnswer>("POST", `/console/dlq/${action}`, {
        body: action === "purge" ? { ...choice, confirm: true } : choice,
      });
      setResult({
        action,
        done: "redriven" in body ? body.redriven : body.deleted,
        failed: body.failed,
        notFound: body.notFound,
        reports: body.reports,
      });
      await load();
    } catch (failure) {
      setError(`${action === "redrive" ? "Redrive" : "Purge"} failed: ${errorText(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  const messages = page?.messages ?? [];
  const chosen = [...selected];
  const allChecked = messages.length > 0 && chosen.length === messages.length;
  const purgeCount = purging
    ? "all" in purging
      ? total(page?.depth ?? { visible: 0, inFlight: 0, delayed: 0 })
      : purging.ids.length
    : 0;
  const toolbar: ActionButton[] = [
    {
      name: "redrive-selected",
      label: `Redrive selected (${chosen.length})`,
      class: "primary",
      none: chosen.length === 0,
      act: () => run("redrive", { ids: chosen }),
    },
    {
      name: "redrive-all",
      label: "Redrive all",
      none: messages.length === 0,
      act: () => run("redrive", { all: true }),
    },
    {
      name: "purge-selected",
      label: `Purge selected (${chosen.length})`,
      class: "danger",
      none: chosen.length === 0,
      act: () => setPurging({ ids: chosen }),
    },
    {
      name: "purge-all",
      label: "Purge all",
      class: "danger",
      none: messages.length === 0,
      act: () => setPurging({ all: true }),
    },
  ];

  return (
    <>
      <PageTitle title="Dead letters" />
      <p>
        Messages the tasks queue gave up on after its receive limit. Redrive sends a message back to
        the tasks queue to run again (its task keeps its generation); purge deletes it for good.
      </p>
      {page && (
        <p class="depth" data-depth={total(page.depth)}>
          <strong>{plural(total(page.depth), "message")}</strong> in <code>{page.dlq.name}</code>
          {page.depth.inFlight > 0 ? ` (${page.depth.inFlight} in flight)` : ""}.{" "}
          <button
            type="button"
            class="link-button"
            onClick={() => {
              lastDepth.current = undefined;
              refresh();
            }}
          >
            Refresh
          </button>
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {result && (
        <Notice kind={result.failed > 0 || result.notFound.length > 0 ? "error" : "success"}>
          <p>
            {result.action === "redrive"
              ? `${plural(result.done, "message")} redriven`
              : `${plural(result.done, "message")} deleted`}
            {result.failed > 0 ? `, ${result.failed} failed` : ""}
            {result.notFound.length > 0 ? `; not found: ${result.notFound.join(", ")}` : ""}.
          </p>
          {result.reports.length > 0 && (
            <ul class="reports">
              {result.reports.map((r) => (
                <li key={r.messageId}>
                  <span class="mono">{r.taskId ?? r.messageId}</span>: {r.outcome}
                  {r.error ? ` — ${r.error}` : ""}
                  {r.note ? ` (${r.note})` : ""}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <ActionButtons buttons={toolbar} busy={busy} class="toolbar-actions" />
      {page && messages.length === 0 ? (
        <p class="empty">The DLQ is empty.</p>
      ) : (
        <div class="table-wrap">
          <table class="letters" aria-busy={!page}>
            <caption>
              {page?.more
                ? `The first ${messages.length} messages`
                : plural(messages.length, "message")}{" "}
              of the DLQ
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every message"
                    checked={allChecked}
                    onChange={(e) =>
                      setSelected(new Set(e.currentTarget.checked ? messages.map(idOf) : []))
                    }
                  />
                </th>
                <th scope="col">Task or message</th>
                <th scope="col">Type</th>
                <th scope="col">Receives</th>
                <th scope="col">First failure</th>
                <th scope="col">Body</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {messages.map((letter) => {
                const id = idOf(letter);
                return (
                  <tr key={letter.messageId} data-letter-id={id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${id}`}
                        checked={selected.has(id)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if (e.currentTarget.checked) next.add(id);
                          else next.delete(id);
                          setSelected(next);
                        }}
                      />
                    </td>
                    <td>
                      {letter.taskId ? (
                        <Link href={`/tasks/${letter.taskId}`} class="mono">
                          {letter.taskId}
                        </Link>
                      ) : (
                        <span class="mono" title="not a task envelope">
                          {letter.messageId}
                        </span>
                      )}
                    </td>
                    <td>{letter.type ?? <span class="muted">not a task</span>}</td>
                    <td class="num">
                      {letter.receiveCount}
                      {letter.redriveCount > 0
                        ? ` (${plural(letter.redriveCount, "redrive")})`
                        : ""}
                    </td>
                    <td>{formatTime(letter.firstFailureAt)}</td>
                    <td class="preview">{letter.preview}</td>
                    <td>
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => run("redrive", { ids: [id] })}
                        aria-label={`Redrive ${id}`}
                      >
                        Redrive
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={purging !== undefined}
        title={`Purge ${plural(purgeCount, "message")}?`}
        confirmLabel={`Purge ${plural(purgeCount, "message")}`}
        danger
        onCancel={() => setPurging(undefined)}
        onConfirm={() => {
          const choice = purging;
          setPurging(undefined);
          if (choice) void run("purge", choice);
        }}
      >
        <p>
          {purging && "all" in purging ? "Every message in the DLQ" : "The selected messages"} will
          be deleted for good; nothing can bring them back. Their tasks stay queued in the API:
          submit them again if they should run.
        </p>
      </ConfirmDialog>
    </>
  );
}
