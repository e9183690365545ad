import { z } from "zod";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { payloadSchema } from "./payload.js";
import { isTaskId } from "./taskIds.js";

const taskId = z.string().refine(isTaskId, "must be a task id (UUID)");
const timestamp = z.iso.datetime({ offset: true });

/** A failure as the API shows it: the error's stable name and a human message. */
export const taskErrorSchema = z.object({ name: z.string(), message: z.string() });
export type TaskErrorInfo = z.infer<typeof taskErrorSchema>;

/**
 * `results/tasks/{id}.json`: what the producer knows about a task. Only the producer writes it
 * (create, cancel, retry); the running state comes from the execution and the run records.
 */
export const taskRecordSchema = z.object({
  v: z.literal(1),
  id: taskId,
  type: z.string(),
  generation: z.int().min(1),
  createdAt: timestamp,
  updatedAt: timestamp,
  input: payloadSchema,
  fingerprint: z.string().regex(FINGERPRINT_PATTERN),
  correlationId: z.string(),
  groupId: z.string().optional(),
  /** Set when a client sent an `Idempotency-Key`; the id is derived from it and the caller. */
  idempotencyKey: z.string().optional(),
  caller: z.string().optional(),
  /** Set once the envelope of the current generation is in SQS. */
  enqueuedAt: timestamp.optional(),
  /** Set when the current generation was cancelled; cleared by a retry. */
  cancelledAt: timestamp.optional(),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/**
 * `results/runs/{id}/g{n}/attempts.json`: how many times `start` ran for one generation. The
 * step increments it before calling `start`; Step Functions runs one attempt at a time per
 * execution, so a read-then-write never races.
 */
export const attemptLedgerSchema = z.object({
  attempts: z.int().min(0),
  firstStartedAt: timestamp,
  lastStartedAt: timestamp,
  lastError: taskErrorSchema.optional(),
});
export type AttemptLedger = z.infer<typeof attemptLedgerSchema>;

/** `results/runs/{id}/g{n}/result.json`, written by `TaskCompleted`. */
export const resultRecordSchema = z.object({
  id: taskId,
  type: z.string(),
  generation: z.int().min(1),
  attempts: z.int().min(1),
  polls: z.int().min(0),
  completedAt: timestamp,
  output: payloadSchema,
});
export type ResultRecord = z.infer<typeof resultRecordSchema>;

/** `results/runs/{id}/g{n}/failure.json`, written by `MarkFailed`. */
export const failureRecordSchema = z.object({
  id: taskId,
  type: z.string(),
  generation: z.int().min(1),
  attempts: z.int().min(0),
  failedAt: timestamp,
  error: taskErrorSchema,
});
export type FailureRecord = z.infer<typeof failureRecordSchema>;
