import type { TaskResource, TaskSummary, TaskTypeDescription } from "@tasklane/api-client";

/** `2026-11-25T06:01:21.254Z` -> `2026-11-25 06:01:21Z`; `-` when absent. */
export function formatTime(value: string | number | undefined): string {
  if (value === undefined || value === "") return "-";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** A value as one line of JSON, cut to `max` characters with an ellipsis. */
export function oneLine(value: unknown, max = Number.POSITIVE_INFINITY): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
  const flat = text.replace(/\s*\n\s*/g, " ");
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** The lines `status` prints: everything the API says about a task. */
export function taskDetails(task: TaskResource): string[] {
  const rows: [string, string][] = [
    ["Task", task.id],
    ["Type", task.type],
    ["Status", task.status],
    [
      "Attempts",
      `${task.attempts}${task.generation > 1 ? ` (generation ${task.generation})` : ""}`,
    ],
    ["Created", formatTime(task.createdAt)],
  ];
  if (task.startedAt) rows.push(["Started", formatTime(task.startedAt)]);
  if (task.finishedAt) rows.push(["Finished", formatTime(task.finishedAt)]);
  rows.push(["Updated", formatTime(task.updatedAt)]);
  if (task.error) rows.push(["Error", `${task.error.name}: ${task.error.message}`]);
  if (task.outputLocation) {
    const { bucket, key, bytes } = task.outputLocation;
    rows.push(["Output", `s3://${bucket}/${key} (${bytes} bytes, too large to show)`]);
  } else if ("output" in task && task.output !== undefined) {
    rows.push(["Output", outputText(task.output)]);
  }
  return rows.map(([label, value]) => `${label.padEnd(9)} ${value}`);
}

/** Short outputs on the line; longer ones as indented JSON under it. */
function outputText(output: unknown): string {
  const compact = JSON.stringify(output) ?? "null";
  if (compact.length <= 80) return compact;
  return `\n${JSON.stringify(output, null, 2)
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n")}`;
}

/** One line per change while following a task. */
export function progressLine(task: TaskResource): string {
  const attempts = `attempts: ${task.attempts}`;
  const generation = task.generation > 1 ? `, generation ${task.generation}` : "";
  return `${formatTime(task.updatedAt)}  ${task.status.padEnd(9)}  ${attempts}${generation}`;
}

export const TASK_TABLE_HEADERS = ["ID", "TYPE", "STATUS", "ATTEMPTS", "CREATED", "FINISHED"];

export function taskRow(task: TaskSummary): string[] {
  return [
    task.id,
    task.type,
    task.status,
    String(task.attempts),
    formatTime(task.createdAt),
    formatTime(task.finishedAt),
  ];
}

/** The lines `types` prints for one task type. */
export function taskTypeLines(type: TaskTypeDescription): string[] {
  const timeout = type.timeoutSeconds ? ` (timeout ${type.timeoutSeconds} s)` : "";
  return [
    `${type.type}${timeout}`,
    `  ${type.description}`,
    `  input:  ${oneLine(type.inputSchema, 200)}`,
    `  output: ${oneLine(type.outputSchema, 200)}`,
  ];
}
