import type { TaskResource } from "@tasklane/api-client";
import type { JsonValue, TaskView } from "@tasklane/shared-task";
import type { TaskStore } from "@tasklane/task-store";

/**
 * Outputs up to this size are returned inline; larger ones by their S3 location. A Lambda
 * response is capped at 6 MB, and the JSON around the output needs room.
 */
export const INLINE_OUTPUT_MAX_BYTES = 5 * 1024 * 1024;

/** The API representation of a view, with the output read from S3 when it is stored there. */
export async function presentTask(view: TaskView, store: TaskStore): Promise<TaskResource> {
  const { output, ...rest } = view;
  if (!output) return rest;
  if (output.kind === "inline") return { ...rest, output: output.value as JsonValue };
  if (output.bytes > INLINE_OUTPUT_MAX_BYTES) {
    return {
      ...rest,
      outputLocation: { bucket: output.bucket, key: output.key, bytes: output.bytes },
    };
  }
  return { ...rest, output: await store.loadPayload(output) };
}

export type { TaskResource };
