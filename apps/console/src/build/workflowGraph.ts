import dagre from "@dagrejs/dagre";
import type { AslState, WorkflowDefinition } from "@tasklane/shared-task";
import type {
  GraphPoint,
  WorkflowEdgeKind,
  WorkflowGraph,
  WorkflowGraphEdge,
} from "../shared/workflowGraph.js";

/** Every state is drawn as a box this size. */
const NODE_SIZE = { width: 168, height: 40 } as const;
/** Room around the drawing for the lines that go round the side and the labels. */
const MARGIN = 16;

interface Transition {
  from: string;
  to: string;
  kind: WorkflowEdgeKind;
  label?: string;
}

/** Every transition of the document: `Next`, each Choice rule and its `Default`, each `Catch`. */
export function workflowTransitions(definition: WorkflowDefinition): Transition[] {
  const transitions: Transition[] = [];
  for (const [from, state] of Object.entries(definition.States) as [string, AslState][]) {
    switch (state.Type) {
      case "Choice":
        for (const choice of state.Choices) {
          transitions.push({ from, to: choice.Next, kind: "choice", label: choiceLabel(choice) });
        }
        transitions.push({ from, to: state.Default, kind: "default", label: "otherwise" });
        break;
      case "Task":
        transitions.push({ from, to: state.Next, kind: "next" });
        for (const catcher of state.Catch ?? []) {
          transitions.push({ from, to: catcher.Next, kind: "catch", label: "error" });
        }
        break;
      case "Wait":
      case "Pass":
        transitions.push({ from, to: state.Next, kind: "next" });
        break;
      case "Succeed":
      case "Fail":
        break;
    }
  }
  return transitions;
}

/**
 * The graph of `definition`, laid out top to bottom with dagre: run at build time, so the page
 * carries only coordinates. The shape of Tasklane's workflow is the same on every stack (one
 * builder, `buildWorkflow`), so one layout serves the local runtime and AWS alike.
 */
export function workflowGraph(definition: WorkflowDefinition): WorkflowGraph {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 40, edgesep: 14 });
  graph.setDefaultEdgeLabel(() => ({}));
  const states = Object.entries(definition.States) as [string, AslState][];
  for (const [name] of states) {
    graph.setNode(name, { ...NODE_SIZE });
  }
  const transitions = workflowTransitions(definition);
  const back = backEdges(definition.StartAt, transitions);
  transitions.forEach((t, i) => {
    // The poll loop's way back up is laid out as if it went down, then drawn the right way.
    const [from, to] = back.has(i) ? [t.to, t.from] : [t.from, t.to];
    graph.setEdge(from, to, { weight: t.kind === "catch" ? 1 : 4, minlen: 1 }, String(i));
  });
  dagre.layout(graph);

  const edges: WorkflowGraphEdge[] = transitions.map((t, i) => {
    const [from, to] = back.has(i) ? [t.to, t.from] : [t.from, t.to];
    const laid = graph.edge(from, to, String(i)) as { points: GraphPoint[] };
    const points = laid.points.map(round);
    if (back.has(i)) points.reverse();
    const middle = points[Math.floor(points.length / 2)];
    return { ...t, points, ...(t.label && middle ? { labelAt: middle } : {}) };
  });
  const nodes = states.map(([name, state]) => {
    const node = graph.node(name) as { x: number; y: number };
    return {
      id: name,
      type: state.Type,
      comment: state.Comment,
      retries: state.Type === "Task" && state.Retry.length > 0,
      ...round(node),
      ...NODE_SIZE,
    };
  });
  return fitToOrigin({ startAt: definition.StartAt, width: 0, height: 0, nodes, edges });
}

/** Moves the drawing to start at the margin and sizes it to hold every node and every line. */
function fitToOrigin(graph: WorkflowGraph): WorkflowGraph {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of graph.nodes) {
    xs.push(n.x - n.width / 2, n.x + n.width / 2);
    ys.push(n.y - n.height / 2, n.y + n.height / 2);
  }
  for (const p of graph.edges.flatMap((e) => e.points)) {
    xs.push(p.x);
    ys.push(p.y);
  }
  const dx = MARGIN - Math.min(...xs);
  const dy = MARGIN - Math.min(...ys);
  const move = (p: GraphPoint) => ({ x: p.x + dx, y: p.y + dy });
  return {
    ...graph,
    width: Math.ceil(Math.max(...xs) + dx + MARGIN),
    height: Math.ceil(Math.max(...ys) + dy + MARGIN),
    nodes: graph.nodes.map((n) => ({ ...n, ...move(n) })),
    edges: graph.edges.map((e) => ({
      ...e,
      points: e.points.map(move),
      ...(e.labelAt ? { labelAt: move(e.labelAt) } : {}),
    })),
  };
}

/**
 * The transitions that lead back to a state already on the way from `startAt` (the poll loop's
 * `CheckTaskStatus -> IsTaskDone`), found depth first in the document's own order: each state's
 * `Next` and Choice rules before its Catches.
 */
export function backEdges(startAt: string, transitions: readonly Transition[]): Set<number> {
  const back = new Set<number>();
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (state: string) => {
    onPath.add(state);
    transitions.forEach((t, i) => {
      if (t.from !== state) return;
      if (onPath.has(t.to)) back.add(i);
      else if (!done.has(t.to)) visit(t.to);
    });
    onPath.delete(state);
    done.add(state);
  };
  visit(startAt);
  return back;
}

function choiceLabel(choice: Record<string, unknown>): string {
  if (typeof choice.StringEquals === "string") return choice.StringEquals;
  const variable = String(choice.Variable ?? "").replace(/^\$\.step\./, "");
  // The bound is the stack's `maxPolls`; the shape, not the number, is the same everywhere.
  if (typeof choice.NumericGreaterThanEquals === "number") return `${variable} ≥ max`;
  return variable || "rule";
}

function round(point: GraphPoint): GraphPoint {
  return { x: Math.round(point.x), y: Math.round(point.y) };
}
