import * as z from "zod";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { payloadSchema } from "./payload.js";
import { isTaskId } from "./taskIds.js";

const taskId = z.string().refine(isTaskId, "must be a task id (UUID)");
const timestamp = z.iso.datetime({ offset: true });

/** A failure as the API shows it: the error's stable name and a human message. */
export const taskErrorSchema = z.object({ name: z.string(), message: z.string() });
export type TaskErrorInfo = z.infer<typeof taskErrorSchema>;

/**
 * `results/tasks/{id}.json`: what the producer knows about a task. Only submission and retry
 * write it; cancellation and everything the workflow learns live in objects of their own, so no
 * two writers ever share an object.
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
  /**
   * Set once the current generation's envelope is in SQS, for submissions with an
   * `Idempotency-Key`: a replay of the key then knows whether it must send the envelope again.
   */
  enqueuedAt: timestamp.optional(),
  messageId: z.string().optional(),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/**
 * `results/runs/{id}/g{n}/attempts.json`: how many times `start` ran. The step increments it
 * before calling `start`; Step Functions runs one attempt at a time per execution, and a task
 * has one live generation at a time, so a read-then-write never races.
 */
export const attemptLedgerSchema = z.object({
  /** Calls of `start` over the task's whole life: a retried task continues from its last count. */
  attempts: z.int().min(0),
  /** Calls of `start` in this generation: what the state machine's retries count. */
  generationAttempts: z.int().min(0),
  /** When this generation's first attempt began; its deadline counts from here. */
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

/**
 * `results/runs/{id}/g{n}/cancel.json`, written by `DELETE /tasks/{id}`. The consumer skips a
 * generation that has one; its presence is the whole signal.
 */
export const cancellationRecordSchema = z.object({
  id: taskId,
  generation: z.int().min(1),
  cancelledAt: timestamp,
  cancelledBy: z.string().optional(),
});
export type CancellationRecord = z.infer<typeof cancellationRecordSchema>;
