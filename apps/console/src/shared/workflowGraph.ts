/**
 * The workflow's graph as the console draws it: the states of the ASL document and the
 * transitions between them, laid out at build time. Only types here: the build makes the graph
 * (src/build), the page draws it (src/app).
 */

export type WorkflowStateType = "Task" | "Choice" | "Wait" | "Pass" | "Succeed" | "Fail";

export interface GraphPoint {
  x: number;
  y: number;
}

export interface WorkflowGraphNode {
  /** The state's name, as in the ASL (`CreateTask`). */
  id: string;
  type: WorkflowStateType;
  /** The state's `Comment`. */
  comment: string;
  /** A Task state with a `Retry`: its retries are drawn on it. */
  retries: boolean;
  /** The centre of the node's box. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How one state leads to the next: its `Next`, a Choice's rule or default, or a `Catch`. */
export type WorkflowEdgeKind = "next" | "choice" | "default" | "catch";

export interface WorkflowGraphEdge {
  from: string;
  to: string;
  kind: WorkflowEdgeKind;
  /** What the Choice tests (`succeeded`, `polls ≥ 1000`), or `error` for a Catch. */
  label?: string;
  /** The line to draw, from `from`'s box to `to`'s. */
  points: GraphPoint[];
  /** Where to put the label. */
  labelAt?: GraphPoint;
}

export interface WorkflowGraph {
  startAt: string;
  width: number;
  height: number;
  nodes: WorkflowGraphNode[];
  edges: WorkflowGraphEdge[];
}
