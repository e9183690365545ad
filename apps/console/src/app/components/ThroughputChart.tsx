import type { Overview } from "../model/types.js";

type Minute = NonNullable<Overview["throughput"]>["minutes"][number];

const OUTCOMES = ["succeeded", "failed", "cancelled"] as const;
const WIDTH = 720;
const HEIGHT = 180;
const AXIS = 28;

/** Tasks finished per minute, stacked by outcome, with the same figures as a table below. */
export function ThroughputChart({ minutes }: { minutes: readonly Minute[] }) {
  const totals = OUTCOMES.map((o) => minutes.reduce((sum, m) => sum + m[o], 0));
  const peak = Math.max(1, ...minutes.map((m) => m.succeeded + m.failed + m.cancelled));
  const barWidth = (WIDTH - AXIS) / Math.max(1, minutes.length);
  const scale = (HEIGHT - 20) / peak;
  const summary = `Tasks finished per minute over the last ${minutes.length} minutes: ${OUTCOMES.map((o, i) => `${totals[i]} ${o}`).join(", ")}; at most ${peak} in a minute.`;
  const busy = minutes.filter((m) => m.succeeded + m.failed + m.cancelled > 0);
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${WIDTH} ${HEIGHT + 18}`}
        class="throughput"
      >
        <text x={AXIS - 4} y={14} text-anchor="end" class="axis">
          {peak}
        </text>
        <text x={AXIS - 4} y={HEIGHT} text-anchor="end" class="axis">
          0
        </text>
        <line x1={AXIS} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} class="baseline" />
        {minutes.map((minute, i) => {
          let top = HEIGHT;
          const x = AXIS + i * barWidth + 1;
          return (
            <g key={minute.at}>
              {OUTCOMES.map((outcome) => {
                const h = minute[outcome] * scale;
                top -= h;
                return h > 0 ? (
                  <rect
                    key={outcome}
                    x={x}
                    y={top}
                    width={Math.max(1, barWidth - 2)}
                    height={h}
                    class={`bar bar-${outcome}`}
                  />
                ) : null;
              })}
              {i % 5 === 0 && (
                <text x={x} y={HEIGHT + 14} class="axis">
                  {minute.at.slice(11, 16)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {OUTCOMES.map((outcome, i) => (
            <li key={outcome}>
              <span class={`swatch bar-${outcome}`} aria-hidden="true" />
              {outcome}: {totals[i]}
            </li>
          ))}
        </ul>
        <details>
          <summary>The figures as a table</summary>
          {busy.length === 0 ? (
            <p>No task finished in these minutes.</p>
          ) : (
            <table class="compact">
              <caption class="visually-hidden">Tasks finished per minute (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Minute (UTC)</th>
                  {OUTCOMES.map((o) => (
                    <th scope="col" key={o}>
                      {o}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {busy.map((m) => (
                  <tr key={m.at}>
                    <th scope="row">{m.at.slice(11, 16)}</th>
                    {OUTCOMES.map((o) => (
                      <td key={o}>{m[o]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </details>
      </figcaption>
    </figure>
  );
}
