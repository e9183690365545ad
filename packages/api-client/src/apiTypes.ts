/**
 * The JSON the Tasklane HTTP API speaks. The producer builds these; clients read them. Browser code
 * imports this file (`@tasklane/api-client/types`): it depends on nothing but the statuses.
 */

import type { TaskHeadline, TaskStatus } from "@tasklane/shared-task/statuses";

export type { TaskStatus };

/** What happened to a task, oldest first (`GET /tasks/{id}`'s `timeline`). */
export interface TimelineEntry {
  at: string;
  generation: number;
  event:
    | "queued"
    | "not-enqueued"
    | "attempt-started"
    | "attempt-failed"
    | "succeeded"
    | "failed"
    | "cancelled";
  attempt?: number;
  polls?: number;
  error?: { name: string; message: string };
  retryable?: boolean;
  by?: string;
}

/** Where a large input or output is kept, when it is not returned inline. */
export interface ObjectLocation {
  bucket: string;
  key: string;
  bytes: number;
}

/** A task as `GET /tasks` lists it: no input, no timeline, its output only when small. */
export interface TaskSummary extends TaskHeadline {
  /** The output, when the task succeeded and it fits in a response. */
  output?: unknown;
  /** Where a large output is, when it is not returned inline. */
  outputLocation?: ObjectLocation;
  error?: { name: string; message: string };
}

/** A task as `GET /tasks/{id}` returns it. */
export interface TaskResource extends TaskSummary {
  /** The input, when it was small enough to travel inline. */
  input?: unknown;
  inputLocation?: ObjectLocation;
  timeline: TimelineEntry[];
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
  tasks: TaskSummary[];
  nextCursor?: string;
}

export interface TaskTypeDescription {
  type: string;
  description: string;
  timeoutSeconds?: number;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
}
