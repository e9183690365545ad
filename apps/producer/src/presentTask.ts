import type { TaskResource, TaskSummary } from "@tasklane/api-client";
import { type JsonValue, type TaskRecord, taskViewOf } from "@tasklane/shared-task";
import type { ListedTask, TaskPayloads } from "@tasklane/task-store";

/**
 * Outputs up to this size are returned inline by `GET /tasks/{id}`; larger ones by their S3
 * location. A Lambda response is capped at 6 MB, and the JSON around the output needs room.
 */
export const INLINE_OUTPUT_MAX_BYTES = 5 * 1024 * 1024;

/**
 * A task as `GET /tasks/{id}` shows it: its record, with a large output read from S3 only when
 * it fits the response.
 */
export async function presentTask(
  record: TaskRecord,
  payloads: Pick<TaskPayloads, "load">,
): Promise<TaskResource> {
  const { output, ...view } = taskViewOf(record);
  const input =
    record.input.kind === "inline"
      ? { input: record.input.value as JsonValue }
      : {
          inputLocation: {
            bucket: record.input.bucket,
            key: record.input.key,
            bytes: record.input.bytes,
          },
        };
  const resource: TaskResource = { ...view, ...input };
  if (!output) return resource;
  if (output.kind === "inline") return { ...resource, output: output.value as JsonValue };
  if (output.bytes > INLINE_OUTPUT_MAX_BYTES) {
    return {
      ...resource,
      outputLocation: { bucket: output.bucket, key: output.key, bytes: output.bytes },
    };
  }
  return { ...resource, output: await payloads.load(output) };
}

/** A task as `GET /tasks` lists it: no input, no timeline, and its output only when small. */
export function presentListed(task: ListedTask): TaskSummary {
  const { output, owner: _owner, listKey: _listKey, ...summary } = task;
  if (output?.kind === "inline") return { ...summary, output: output.value as JsonValue };
  return summary;
}
