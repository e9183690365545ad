import { graph, stateNames } from "tasklane:workflow-graph";
import type { GraphPoint } from "../../shared/workflowGraph.js";
import { describePath, edgeKey, type GenerationPath } from "../model/timeline.js";

/** The edges' arrowheads: a taken edge's is larger. Each is drawn with the class of its id. */
const ARROWS = [
  { id: "arrow", size: 10 },
  { id: "arrow-taken", size: 12 },
] as const;

/** A smooth line through the layout's points (a quadratic B-spline, as dagre's renderers draw). */
function linePath(points: readonly GraphPoint[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  if (rest.length < 2)
    return `M${first.x},${first.y}${rest.map((p) => ` L${p.x},${p.y}`).join("")}`;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i] as GraphPoint;
    const next = rest[i + 1] as GraphPoint;
    d += ` Q${p.x},${p.y} ${(p.x + next.x) / 2},${(p.y + next.y) / 2}`;
  }
  const last = rest.at(-1) as GraphPoint;
  return `${d} L${last.x},${last.y}`;
}

/**
 * The workflow's states and transitions (the ASL the stacks run), with one generation's run
 * drawn on it: the states it entered and how often, its retries, the loop's turns, where it is.
 * The text alternative says the same in words.
 */
export function WorkflowGraphView({ path }: { path: GenerationPath | undefined }) {
  const description = path
    ? describePath(path, stateNames)
    : "The workflow's states, before any run.";
  return (
    <figure class="workflow">
      <svg
        role="img"
        aria-labelledby="workflow-title workflow-desc"
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        width={graph.width}
        height={graph.height}
        class="workflow-graph"
      >
        <title id="workflow-title">The workflow, generation {path?.generation ?? "—"}</title>
        <desc id="workflow-desc">{description}</desc>
        <defs>
          {ARROWS.map((arrow) => (
            <marker
              key={arrow.id}
              id={arrow.id}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerUnits="userSpaceOnUse"
              markerWidth={arrow.size}
              markerHeight={arrow.size}
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" class={arrow.id} />
            </marker>
          ))}
        </defs>
        {graph.edges.map((edge) => {
          const taken = path?.edges[edgeKey(edge.from, edge.to)] ?? 0;
          const classes = ["edge", `edge-${edge.kind}`, taken > 0 ? "taken" : ""].join(" ");
          const label = [edge.kind === "catch" ? "" : edge.label, taken > 1 ? `×${taken}` : ""]
            .filter(Boolean)
            .join(" ");
          return (
            <g
              key={`${edge.from}-${edge.to}-${edge.kind}`}
              class={classes}
              data-edge={edgeKey(edge.from, edge.to)}
            >
              <path
                d={linePath(edge.points)}
                marker-end={taken > 0 ? "url(#arrow-taken)" : "url(#arrow)"}
              />
              {label && edge.labelAt && (
                <text
                  x={edge.labelAt.x}
                  y={edge.labelAt.y}
                  class="edge-label"
                  text-anchor="middle"
                  dominant-baseline="middle"
                >
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {graph.nodes.map((node) => {
          const seen = path?.states[node.id];
          const current = path?.current === node.id;
          const classes = [
            "node",
            `node-${node.type.toLowerCase()}`,
            seen ? "visited" : "",
            current ? `current outcome-${path?.outcome}` : "",
          ].join(" ");
          const x = node.x - node.width / 2;
          const y = node.y - node.height / 2;
          return (
            <g
              key={node.id}
              class={classes}
              data-state={node.id}
              data-visits={seen?.visits ?? 0}
              data-retries={seen?.retries ?? 0}
            >
              <rect
                x={x}
                y={y}
                width={node.width}
                height={node.height}
                rx={node.type === "Succeed" || node.type === "Fail" ? node.height / 2 : 6}
              />
              <text x={node.x} y={node.y} text-anchor="middle" dominant-baseline="central">
                {node.id}
              </text>
              {seen && seen.visits > 1 && (
                <text x={x + node.width - 6} y={y + 11} class="node-count" text-anchor="end">
                  ×{seen.visits}
                </text>
              )}
              {seen && seen.retries > 0 && (
                <text x={x + 6} y={y + 11} class="node-retries">
                  ↻{seen.retries}
                </text>
              )}
              {current && path?.outcome === "cancelled" && (
                <text x={node.x} y={y + node.height + 12} class="node-note" text-anchor="middle">
                  cancelled here
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <p>{description}</p>
        <p class="legend-text">
          Bold: the way this generation went. ×n: entered n times. ↻n: n retries after a retryable
          error. Dashed: an error caught into MarkFailed.
        </p>
      </figcaption>
    </figure>
  );
}
