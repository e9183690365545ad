import * as z from "zod";
import { TASK_STATUSES } from "../statuses.js";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { payloadSchema } from "./payload.js";
import { isTaskId } from "./taskIds.js";

const taskId = z.string().refine(isTaskId, "must be a task id (UUID)");
const timestamp = z.iso.datetime({ offset: true });

/** A failure as the API shows it: the error's stable name and a human message. */
export const taskErrorSchema = z.object({ name: z.string(), message: z.string() });
export type TaskErrorInfo = z.infer<typeof taskErrorSchema>;

/**
 * What happened to a task, in order: the timeline the console draws on the workflow's graph.
 * Each event is appended by the conditional write that made it happen, so it costs no write of
 * its own and reads the same on Standard and Express (which has no execution history API).
 */
export const TIMELINE_EVENTS = [
  /** The generation was accepted and its envelope is on its way to SQS. */
  "queued",
  /** The SQS send was refused: the generation never ran and the task is as it was. */
  "not-enqueued",
  /** `CreateTask` claimed an attempt and called `start`. */
  "attempt-started",
  /** An attempt threw; `retryable` says whether the state machine tries again. */
  "attempt-failed",
  "succeeded",
  "failed",
  "cancelled",
] as const;
export type TimelineEventKind = (typeof TIMELINE_EVENTS)[number];

export const timelineEventSchema = z.object({
  at: timestamp,
  generation: z.int().min(1),
  event: z.enum(TIMELINE_EVENTS),
  attempt: z.int().min(1).optional(),
  /** How many times `poll` ran before the generation ended. */
  polls: z.int().min(0).optional(),
  error: taskErrorSchema.optional(),
  retryable: z.boolean().optional(),
  by: z.string().optional(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/**
 * A task's one record, an item of the stack's tasks table: everything about it that changes.
 * Every change is a single conditional write of task-store's `TaskRecords`; nothing else writes
 * it. Large inputs and outputs live in S3 and the record holds their references.
 */
export const taskRecordSchema = z.object({
  id: taskId,
  type: z.string(),
  /** The caller that submitted it: only it (and operators) may see, cancel or retry it. */
  owner: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  /** Bumped by each retry; a generation runs at most once, under its own execution name. */
  generation: z.int().min(1),
  createdAt: timestamp,
  updatedAt: timestamp,
  input: payloadSchema,
  fingerprint: z.string().regex(FINGERPRINT_PATTERN),
  correlationId: z.string(),
  groupId: z.string().optional(),
  /** Set when a client sent an `Idempotency-Key`; the id is derived from it and the owner. */
  idempotencyKey: z.string().optional(),
  /**
   * Set when the current generation's envelope is about to be sent, removed once SQS took it.
   * A record that keeps it past the resend lease lost its sender between two calls: the resend
   * sweep sends it again (a duplicate the consumer absorbs), so no task waits for a message that
   * will never come.
   */
  unsentSince: timestamp.optional(),
  /**
   * A random token of the request that marked the record unsent: what tells that request's own
   * write (met again when the SDK resends it after a lost answer) from a concurrent one's.
   */
  sendToken: z.string().optional(),
  /** When SQS took the current generation's envelope. */
  sentAt: timestamp.optional(),
  /**
   * The execution that claimed the current generation (its start id). Only it may count
   * attempts and write the end: a duplicate execution (Express has no name dedupe) finds the
   * claim taken and runs nothing.
   */
  runId: z.string().optional(),
  /** Calls of `start` over the task's whole life. */
  attempts: z.int().min(0),
  /** Calls of `start` in this generation: what the state machine's retries count. */
  generationAttempts: z.int().min(0),
  /** When this generation's first attempt began; its deadline counts from here. */
  startedAt: timestamp.optional(),
  lastStartedAt: timestamp.optional(),
  /** The latest attempt's error, kept while a retry runs so the API can say why. */
  lastError: taskErrorSchema.optional(),
  finishedAt: timestamp.optional(),
  polls: z.int().min(0).optional(),
  output: payloadSchema.optional(),
  error: taskErrorSchema.optional(),
  cancelledBy: z.string().optional(),
  timeline: z.array(timelineEventSchema),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;
