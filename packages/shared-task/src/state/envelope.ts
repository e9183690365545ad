import * as z from "zod";
import { ENVELOPE_VERSION, INLINE_INPUT_MAX_BYTES } from "../constants.js";
import { EnvelopeError } from "../errors.js";
import { describeIssues, fieldIssues } from "../fieldIssues.js";
import { jsonByteLength } from "../json.js";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { type Payload, payloadSchema } from "./payload.js";
import { isTaskId } from "./taskIds.js";

const taskType = z.string().min(1).max(64);

/**
 * The input, inline only up to INLINE_INPUT_MAX_BYTES: a larger one would push the execution's
 * state past Step Functions' 256 KiB, a failure no Catch can record.
 */
const taskInput = payloadSchema.superRefine((input: Payload, ctx) => {
  if (input.kind !== "inline") return;
  const bytes = jsonByteLength(input.value);
  if (bytes > INLINE_INPUT_MAX_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `an inline input is ${bytes} bytes of JSON; the limit is ${INLINE_INPUT_MAX_BYTES}, so a larger input must travel as an S3 reference`,
    });
  }
});

/**
 * Version 1 of the envelope: what the producer sends to SQS and the consumer passes to the
 * state machine as `{ "task": envelope }`. Within a version, new fields are optional with a
 * default, so messages already queued when a field ships are still understood; unknown fields
 * are ignored, so a consumer one release behind reads a newer producer's messages.
 */
export const envelopeV1Schema = z.object({
  v: z.literal(1),
  id: z.string().refine(isTaskId, "must be a task id (UUID)"),
  type: taskType,
  generation: z.int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  input: taskInput,
  fingerprint: z.string().regex(FINGERPRINT_PATTERN, "must be a SHA-256 hex digest"),
  correlationId: z.string().min(1).max(128).optional(),
  /** FIFO queues only: the message group; tasks in one group run one at a time, in order. */
  groupId: z.string().min(1).max(128).optional(),
});

export type TaskEnvelope = z.output<typeof envelopeV1Schema> & { correlationId: string };
export type TaskEnvelopeInput = Omit<z.input<typeof envelopeV1Schema>, "v">;

/**
 * Readers of older versions: each takes a parsed message of its version and returns the current
 * envelope. A breaking change adds a version here and keeps the old reader until no queue or DLQ
 * can still hold its messages.
 */
const READERS: Record<number, (raw: unknown) => TaskEnvelope> = {
  1: (raw) => {
    const parsed = envelopeV1Schema.safeParse(raw);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      throw new EnvelopeError(`invalid task envelope: ${describeIssues(issues)}`, { issues });
    }
    return { ...parsed.data, correlationId: parsed.data.correlationId ?? parsed.data.id };
  },
};

export const READABLE_ENVELOPE_VERSIONS = Object.keys(READERS).map(Number);

/**
 * Validates a message body (text or already parsed) and returns the current envelope.
 *
 * @throws EnvelopeError naming the failing fields, or the unsupported version.
 */
export function parseEnvelope(body: unknown): TaskEnvelope {
  let raw = body;
  if (typeof body === "string") {
    try {
      raw = JSON.parse(body);
    } catch {
      throw new EnvelopeError("task envelope is not JSON");
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new EnvelopeError("task envelope must be a JSON object");
  }
  const version = (raw as { v?: unknown }).v;
  if (version === undefined) {
    throw new EnvelopeError("task envelope has no version field `v`", {
      issues: [{ path: "v", message: "required" }],
    });
  }
  const reader = typeof version === "number" ? READERS[version] : undefined;
  if (!reader) {
    throw new EnvelopeError(
      `task envelope version ${JSON.stringify(version)} is not supported; this code reads ${READABLE_ENVELOPE_VERSIONS.join(", ")}`,
      { issues: [{ path: "v", message: "unsupported version" }] },
    );
  }
  return reader(raw);
}

/** Builds (and validates) a current-version envelope. */
export function createEnvelope(fields: TaskEnvelopeInput): TaskEnvelope {
  return parseEnvelope({ ...fields, v: ENVELOPE_VERSION });
}
