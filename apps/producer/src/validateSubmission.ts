import {
  assertIdempotencyKey,
  fieldIssues,
  type JsonValue,
  type TaskContract,
  type TaskRegistry,
} from "@tasklane/shared-task";
import * as z from "zod";
import type { FieldError } from "./problem.js";

/** A submission that passed every check and may enter the queue. */
export interface ValidSubmission {
  type: string;
  input: JsonValue;
  idempotencyKey?: string | undefined;
}

export type SubmissionCheck =
  | { ok: true; submission: ValidSubmission }
  | { ok: false; status: 400 | 422; errors: FieldError[] };

const submissionShape = z.strictObject({
  type: z.string().min(1),
  input: z.json().optional(),
});

const batchItemShape = submissionShape.extend({
  idempotencyKey: z.string().optional(),
});

function prefixed(errors: FieldError[], prefix: string): FieldError[] {
  if (prefix === "") return errors;
  return errors.map((e) => ({
    path: e.path === "(root)" ? prefix : `${prefix}.${e.path}`,
    message: e.message,
  }));
}

/**
 * Checks one submission: its shape, that its type exists, that its input matches the type's
 * schema, and its idempotency key. `at` prefixes error paths (`tasks[3]` in a batch).
 */
export function validateSubmission(
  body: unknown,
  contracts: TaskRegistry<TaskContract>,
  options: { idempotencyKey?: string | undefined; batchItem?: boolean; at?: string } = {},
): SubmissionCheck {
  const at = options.at ?? "";
  const shape = (options.batchItem ? batchItemShape : submissionShape).safeParse(body);
  if (!shape.success) {
    return { ok: false, status: 422, errors: prefixed(fieldIssues(shape.error), at) };
  }
  const { type, input } = shape.data;
  if (!contracts.has(type)) {
    return {
      ok: false,
      status: 422,
      errors: prefixed(
        [
          {
            path: "type",
            message: `unknown task type "${type}"; known types: ${contracts.types().join(", ")}`,
          },
        ],
        at,
      ),
    };
  }
  const parsed = contracts.get(type).input.safeParse(input);
  if (!parsed.success) {
    // zod says only "Invalid input" of a missing value that a union such as z.json() rejects.
    const errors: FieldError[] =
      input === undefined
        ? [
            {
              path: "input",
              message: `is missing: task type "${type}" needs an input (its JSON Schema is in GET /task-types)`,
            },
          ]
        : fieldIssues(parsed.error, "input");
    return { ok: false, status: 422, errors: prefixed(errors, at) };
  }
  const key = options.batchItem
    ? (shape.data as z.infer<typeof batchItemShape>).idempotencyKey
    : options.idempotencyKey;
  if (key !== undefined) {
    try {
      assertIdempotencyKey(key);
    } catch (error) {
      const path = options.batchItem ? "idempotencyKey" : "Idempotency-Key";
      return {
        ok: false,
        status: options.batchItem ? 422 : 400,
        errors: prefixed([{ path, message: (error as Error).message }], at),
      };
    }
  }
  // The input as the client sent it is what runs; the schema's output (with defaults applied)
  // is produced again by the consumer, so the two cannot disagree.
  return {
    ok: true,
    submission: { type, input: (input ?? null) as JsonValue, idempotencyKey: key },
  };
}

/** The batch body: `{ "tasks": [...] }`, 1 to `max` items. */
export function batchItems(
  body: unknown,
  max: number,
): { items: unknown[] } | { errors: FieldError[] } {
  const parsed = z.strictObject({ tasks: z.array(z.unknown()).min(1).max(max) }).safeParse(body);
  if (!parsed.success) return { errors: fieldIssues(parsed.error) };
  return { items: parsed.data.tasks };
}
