import { type Payload, type TaskRecord, taskRecordSchema } from "@tasklane/shared-task";

/**
 * How a record is laid out as a table item. Inputs and outputs are JSON strings rather than
 * maps: a task's JSON may nest deeper than the 32 levels DynamoDB allows in a map, and its
 * numbers must come back exactly as they were sent.
 */
const JSON_ATTRIBUTES = ["input", "output"] as const;

export function encodeValue(payload: Payload): string {
  return JSON.stringify(payload);
}

export function encodeRecord(record: TaskRecord): Record<string, unknown> {
  const item: Record<string, unknown> = { ...record };
  for (const name of JSON_ATTRIBUTES) {
    if (record[name] !== undefined) item[name] = encodeValue(record[name]);
  }
  return item;
}

/** A table item as a record; the index keys and listing copies are dropped. */
export function decodeRecord(item: Record<string, unknown>): TaskRecord {
  const decoded: Record<string, unknown> = { ...item };
  for (const name of JSON_ATTRIBUTES) {
    if (typeof item[name] === "string") decoded[name] = JSON.parse(item[name]);
  }
  const parsed = taskRecordSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new CorruptRecordError(
      `task record ${String(item.id)} does not match its schema: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** A stored item failed its schema: a bug or a hand edit, never a user error. */
export class CorruptRecordError extends Error {
  override name = "CorruptRecordError";
}
