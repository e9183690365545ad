import { stateNames } from "tasklane:workflow-graph";
import { useState } from "preact/hooks";
import { ApiError, call, errorText, get } from "../api.js";
import { ActionButtons } from "../components/ActionButtons.js";
import { ChoiceGroup } from "../components/ChoiceGroup.js";
import { JsonBlock } from "../components/JsonBlock.js";
import { Link } from "../components/Link.js";
import { Notice } from "../components/Notice.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { StoredObject } from "../components/StoredObject.js";
import { WorkflowGraphView } from "../components/WorkflowGraphView.js";
import { formatClock, formatTime } from "../format.js";
import { generationPath, generationsOf, timelineOf } from "../model/timeline.js";
import type { AcceptedTask, TaskResource, TimelineEntry } from "../model/types.js";
import { usePolling } from "../usePolling.js";
import { PageTitle } from "./PageTitle.js";

const TASK_REFRESH_MS = 1_000;

type Outcome = { kind: "success" | "error"; text: string };

/** One task: its record, its input and output or error, its run on the workflow, Retry, Cancel. */
export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<TaskResource>();
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const [chosenGeneration, setChosenGeneration] = useState<number>();

  const { refresh } = usePolling(
    async (signal) => {
      try {
        setTask(await get<TaskResource>(`/api/tasks/${encodeURIComponent(id)}`, signal));
        setMissing(false);
        setError(undefined);
      } catch (failure) {
        if (signal.aborted) return;
        if (failure instanceof ApiError && failure.status === 404) setMissing(true);
        else setError(errorText(failure));
      }
    },
    TASK_REFRESH_MS,
    [id],
  );

  const act = async (action: "retry" | "cancel") => {
    if (!task) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      if (action === "retry") {
        const accepted = (
          await call<AcceptedTask>("POST", `/api/tasks/${encodeURIComponent(id)}/retry`, {
            body: { generation: task.generation },
          })
        ).body;
        setChosenGeneration(undefined);
        setOutcome({
          kind: "success",
          text: `Retry accepted: generation ${accepted.generation ?? task.generation + 1} is queued.`,
        });
      } else {
        await call<TaskResource>("DELETE", `/api/tasks/${encodeURIComponent(id)}`);
        setOutcome({ kind: "success", text: "Cancelled." });
      }
    } catch (failure) {
      setOutcome({
        kind: "error",
        text: `${action === "retry" ? "Retry" : "Cancel"} refused: ${errorText(failure)}`,
      });
    } finally {
      setBusy(false);
      refresh();
    }
  };

  if (missing) {
    return (
      <>
        <PageTitle title="Task not found" />
        <Notice kind="error">
          There is no task <code>{id}</code> (or it is not yours to see).
        </Notice>
        <p>
          <Link href="/tasks">Back to the tasks</Link>
        </p>
      </>
    );
  }

  const { events, derived } = task ? timelineOf(task) : { events: [], derived: false };
  const generations = generationsOf(events);
  const latest = generations.at(-1) ?? task?.generation;
  const shown =
    chosenGeneration !== undefined && generations.includes(chosenGeneration)
      ? chosenGeneration
      : latest;
  const path = shown !== undefined ? generationPath(events, shown, stateNames) : undefined;
  const canRetry = task?.status === "failed" || task?.status === "cancelled";
  const canCancel = task?.status === "queued" || task?.status === "running";

  return (
    <>
      <PageTitle title={`Task ${id}`}>
        Task <span class="mono">{id}</span>
      </PageTitle>
      {error && <Notice kind="error">Cannot read the task: {error}</Notice>}
      {!task && !error && <p aria-busy="true">Loading…</p>}
      {task && (
        <>
          <div class="task-head">
            <StatusBadge status={task.status} />
            <span>{task.type}</span>
            <ActionButtons
              busy={busy}
              buttons={[
                {
                  name: "retry",
                  label: "Retry",
                  class: "primary",
                  none: !canRetry,
                  act: () => act("retry"),
                },
                {
                  name: "cancel",
                  label: "Cancel",
                  class: "danger",
                  none: !canCancel,
                  act: () => act("cancel"),
                },
              ]}
            />
          </div>
          {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
          <dl class="facts">
            <dt>Status</dt>
            <dd data-field="status">{task.status}</dd>
            <dt>Type</dt>
            <dd>{task.type}</dd>
            <dt>Generation</dt>
            <dd data-field="generation">{task.generation}</dd>
            <dt>Attempts</dt>
            <dd data-field="attempts">{task.attempts}</dd>
            <dt>Created</dt>
            <dd>{formatTime(task.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{formatTime(task.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(task.finishedAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(task.updatedAt)}</dd>
          </dl>
          <div class="panels">
            <section aria-labelledby="input-heading">
              <h2 id="input-heading">Input</h2>
              {"input" in task ? (
                <JsonBlock value={task.input} label="The task's input" />
              ) : task.inputLocation ? (
                <StoredObject location={task.inputLocation} />
              ) : (
                <p class="muted">This API does not return the input.</p>
              )}
            </section>
            <section aria-labelledby="result-heading">
              <h2 id="result-heading">{task.error ? "Error" : "Output"}</h2>
              {task.error ? (
                <p class="error-text">
                  <strong>{task.error.name}</strong>: {task.error.message}
                </p>
              ) : "output" in task ? (
                <JsonBlock value={task.output} label="The task's output" />
              ) : task.outputLocation ? (
                <StoredObject location={task.outputLocation} />
              ) : (
                <p class="muted">None yet.</p>
              )}
            </section>
          </div>
          <section aria-labelledby="timeline-heading" class="timeline-section">
            <h2 id="timeline-heading">Timeline</h2>
            {derived && (
              <Notice kind="info">
                This API returns no timeline: what is shown is what the task's record tells (its
                last attempt and how it ended), not every attempt and wait.
              </Notice>
            )}
            {generations.length > 1 && (
              <ChoiceGroup
                legend="Generation"
                class="generations"
                kind="radio"
                name="generation"
                values={generations}
                checked={(g) => g === shown}
                onChange={(g) => setChosenGeneration(g)}
              />
            )}
            <div class="timeline-body">
              <WorkflowGraphView path={path} />
              <ol class="events" aria-label={`Events of generation ${shown ?? "—"}`}>
                {events
                  .filter((e) => e.generation === shown)
                  .map((e, i) => (
                    <li key={`${e.at}-${i}`} data-event={e.event}>
                      <time dateTime={e.at}>{formatClock(e.at)}</time> <EventText event={e} />
                    </li>
                  ))}
              </ol>
            </div>
          </section>
        </>
      )}
    </>
  );
}

function EventText({ event }: { event: TimelineEntry }) {
  const by = event.by ? ` by ${event.by}` : "";
  const polls = event.polls ? ` after ${event.polls} poll${event.polls === 1 ? "" : "s"}` : "";
  const error = event.error ? `: ${event.error.name}: ${event.error.message}` : "";
  switch (event.event) {
    case "queued":
      return <span>Queued{by}</span>;
    case "not-enqueued":
      return <span>Not sent to the queue yet{error}</span>;
    case "attempt-started":
      return (
        <span>
          Attempt {event.attempt ?? ""} started{polls}
        </span>
      );
    case "attempt-failed":
      return (
        <span class="error-text">
          Attempt {event.attempt ?? ""} failed{polls}
          {error}
          {event.retryable ? " (retryable)" : ""}
        </span>
      );
    case "succeeded":
      return <span>Succeeded{polls}</span>;
    case "failed":
      return (
        <span class="error-text">
          Failed{polls}
          {error}
        </span>
      );
    case "cancelled":
      return <span>Cancelled{by}</span>;
  }
}
