import { useState } from "preact/hooks";
import { errorText, get } from "../api.js";
import { Link } from "../components/Link.js";
import { Notice } from "../components/Notice.js";
import { ThroughputChart } from "../components/ThroughputChart.js";
import { formatDuration } from "../format.js";
import type { Overview } from "../model/types.js";
import { usePolling } from "../usePolling.js";
import { PageTitle } from "./PageTitle.js";

const OVERVIEW_REFRESH_MS = 1_000;

/** Queue depth and age, in-flight executions, tasks per minute by outcome. */
export function OverviewPage() {
  const [overview, setOverview] = useState<Overview>();
  const [error, setError] = useState<string>();
  usePolling(
    async (signal) => {
      try {
        setOverview(await get<Overview>("/console/overview", signal));
        setError(undefined);
      } catch (failure) {
        if (!signal.aborted) setError(errorText(failure));
      }
    },
    OVERVIEW_REFRESH_MS,
    [],
  );
  const at = overview ? Date.parse(overview.generatedAt) : Date.now();
  const atLeast = (complete: boolean | undefined) => (complete === false ? "at least " : "");
  return (
    <>
      <PageTitle title="Overview" />
      {error && <Notice kind="error">Cannot read the overview: {error}</Notice>}
      {overview?.errors.map((e) => (
        <Notice kind="error" key={e}>
          Cannot read {e}
        </Notice>
      ))}
      {!overview && !error && <p aria-busy="true">Loading…</p>}
      {overview && (
        <>
          <section aria-labelledby="now-heading">
            <h2 id="now-heading">Now</h2>
            <dl class="cards">
              <div class="card" data-card="queue">
                <dt>Tasks queue{overview.queue ? ` (${overview.queue.name})` : ""}</dt>
                <dd>
                  {overview.queue ? (
                    <>
                      <span class="big">{overview.queue.visible}</span> waiting,{" "}
                      {overview.queue.inFlight} in flight, {overview.queue.delayed} delayed
                    </>
                  ) : (
                    "not known"
                  )}
                </dd>
              </div>
              <div class="card" data-card="oldest">
                <dt>Oldest queued task</dt>
                <dd>
                  {overview.active?.oldestQueuedAt ? (
                    <>
                      <span class="big">
                        {formatDuration(at - Date.parse(overview.active.oldestQueuedAt))}
                      </span>{" "}
                      old
                    </>
                  ) : overview.active ? (
                    "none queued"
                  ) : (
                    "not known"
                  )}
                </dd>
              </div>
              <div class="card" data-card="running">
                <dt>In-flight executions (running tasks)</dt>
                <dd>
                  {overview.active ? (
                    <>
                      <span class="big">
                        {atLeast(overview.active.complete)}
                        {overview.active.running}
                      </span>{" "}
                      running, {atLeast(overview.active.complete)}
                      {overview.active.queued} queued
                    </>
                  ) : (
                    "not known"
                  )}
                </dd>
              </div>
              <div class="card" data-card="dlq">
                <dt>Dead letters{overview.dlq ? ` (${overview.dlq.name})` : ""}</dt>
                <dd>
                  {overview.dlq ? (
                    <>
                      <span class="big">
                        {overview.dlq.visible + overview.dlq.inFlight + overview.dlq.delayed}
                      </span>{" "}
                      <Link href="/dead-letters">messages</Link>
                    </>
                  ) : (
                    "not known"
                  )}
                </dd>
              </div>
            </dl>
          </section>
          <section aria-labelledby="throughput-heading">
            <h2 id="throughput-heading">Tasks finished per minute</h2>
            {overview.throughput ? (
              <>
                {!overview.throughput.complete && (
                  <p class="muted">From the newest tasks the API lists; there were more.</p>
                )}
                <ThroughputChart minutes={overview.throughput.minutes} />
              </>
            ) : (
              <p>Not known.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
