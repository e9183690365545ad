import type { TaskStatus } from "../model/types.js";

/** A task's status: its word, on a colour that repeats it (never the colour alone). */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return <span class={`status status-${status}`}>{status}</span>;
}
