/** The JSON the Tasklane HTTP API speaks. The producer builds these; clients read them. */

export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** A task as `GET /tasks/{id}` returns it. */
export interface TaskResource {
  id: string;
  type: string;
  status: TaskStatus;
  generation: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The output, when the task succeeded and it fits in a response. */
  output?: unknown;
  /** Where a large output is, when it is not returned inline. */
  outputLocation?: { bucket: string; key: string; bytes: number };
  error?: { name: string; message: string };
}

/** `202` of `POST /tasks` (and of `POST /tasks/{id}/retry`, with `generation`). */
export interface AcceptedTask {
  id: string;
  type: string;
  status: "queued";
  generation?: number;
}

/** An RFC 9457 problem, as every error response carries it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** One item's outcome in `POST /tasks/batch`. */
export type BatchItemResult =
  | ({ index: number } & AcceptedTask)
  | { index: number; error: ProblemDetails };

export interface BatchResult {
  accepted: number;
  rejected: number;
  results: BatchItemResult[];
}

export interface TaskList {
  tasks: TaskResource[];
  nextCursor?: string;
}

export interface TaskTypeDescription {
  type: string;
  description: string;
  timeoutSeconds?: number;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
}

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "failed", "cancelled"];
