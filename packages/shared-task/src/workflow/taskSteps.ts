import * as z from "zod";
import { classifyError, describeError } from "../classifyError.js";
import { ERROR_NAMES, INLINE_PAYLOAD_MAX_BYTES, STATE_NAMES } from "../constants.js";
import type { AnyTaskDefinition, StepResult, TaskContext } from "../definitions/defineTask.js";
import { POLL_AFTER_MAX_SECONDS } from "../definitions/defineTask.js";
import type { TaskRegistry } from "../definitions/taskRegistry.js";
import {
  EnvelopeError,
  TaskInputError,
  TaskOutputError,
  TaskSupersededError,
  TaskTimeoutError,
} from "../errors.js";
import { describeIssues, fieldIssues } from "../fieldIssues.js";
import type { JsonValue } from "../json.js";
import { parseEnvelope, type TaskEnvelope } from "../state/envelope.js";
import {
  type BlobStore,
  loadPayload,
  type Payload,
  payloadSchema,
  storePayload,
} from "../state/payload.js";
import type { TaskErrorInfo, TaskRecord } from "../state/records.js";
import { s3Keys } from "../state/s3Keys.js";

/** Longest error message kept in a failure record (Step Functions caps a Cause at 32,768). */
export const ERROR_MESSAGE_MAX_LENGTH = 4_096;

const attempt = z.int().min(1);
const polls = z.int().min(0);

/** What `CreateTask` and `CheckTaskStatus` return, at `$.step` in the execution's state. */
export const stepOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("succeeded"), attempt, polls, output: payloadSchema }),
  z.object({
    status: z.literal("running"),
    attempt,
    polls,
    pollAfterSeconds: z.int().min(0).max(POLL_AFTER_MAX_SECONDS),
    state: payloadSchema,
    deadline: z.iso.datetime({ offset: true }).optional(),
  }),
]);
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

/** What `TaskCompleted` returns; it is also the execution's output. */
export interface CompletedSummary {
  id: string;
  generation: number;
  status: "succeeded";
  attempts: number;
  polls: number;
}

/**
 * What `MarkFailed` returns; the Fail state takes `error` and `cause` from it. `recorded` is
 * false when the record had already ended otherwise (cancelled, or claimed by another execution):
 * the failure is this execution's, not the task's.
 */
export interface FailedSummary {
  id: string;
  generation: number;
  status: "failed";
  attempts: number;
  error: string;
  cause: string;
  recorded: boolean;
}

/** The run of one execution: which generation it runs, and the start id that claims it. */
export interface RunRef {
  generation: number;
  runId: string;
}

/** What a claim or a read tells the steps; task-store's `TaskRecords` is the implementation. */
export type ClaimResult =
  | ({ ok: true } & TaskRecord)
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "conflict"; record: TaskRecord };

/** The conditional writes of the tasks table the steps make (task-store's `TaskRecords`). */
export interface StepRecords {
  get(id: string): Promise<TaskRecord | undefined>;
  claimAttempt(id: string, generation: number, runId: string): Promise<ClaimResult>;
  recordAttemptError(
    id: string,
    run: RunRef & { attempt: number },
    error: TaskErrorInfo,
    retryable: boolean,
  ): Promise<boolean>;
  complete(id: string, run: RunRef, result: { output: Payload; polls: number }): Promise<boolean>;
  fail(
    id: string,
    run: { generation: number; runId?: string | undefined },
    error: TaskErrorInfo,
  ): Promise<boolean>;
}

export interface TaskStepsOptions {
  tasks: TaskRegistry<AnyTaskDefinition>;
  /** The tasks table: every state change of a step is one of its conditional writes. */
  records: StepRecords;
  /** S3, for large inputs, running states and outputs. */
  store: BlobStore;
  buckets: { payloads: string; results: string };
  now?: () => Date;
  /** Values larger than this travel as S3 references. */
  maxInlineBytes?: number;
}

/** The four step handlers' cores. Each takes the state's JSON and returns the step's result. */
export interface TaskSteps {
  createTask(event: unknown): Promise<StepOutcome>;
  checkTaskStatus(event: unknown): Promise<StepOutcome>;
  taskCompleted(event: unknown): Promise<CompletedSummary>;
  markFailed(event: unknown): Promise<FailedSummary>;
}

/** The start id the consumer gave the execution: it claims the generation's record. */
const run = z.string().min(1).max(128);
const createTaskEvent = z.object({ task: z.unknown(), run });
const stepEvent = z.object({ task: z.unknown(), step: z.unknown(), run });
const caughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
const markFailedEvent = z.object({
  task: z.unknown(),
  run: run.optional(),
  error: caughtError.optional(),
  step: z.unknown().optional(),
});

/**
 * Builds the step cores over a task registry, the tasks table and a blob store. The consumer's
 * Lambda handlers wrap them; the local runtime runs those handlers.
 *
 * Every step does only what the task's record expects: `CreateTask` claims the attempt for its
 * execution (one conditional write that also counts it), the polls check the claim still holds,
 * and the end is one conditional write per generation. An execution whose claim fails (the task
 * was cancelled or retried, or a duplicate execution claimed it) runs no task code and writes
 * nothing: it ends with `TaskSupersededError`.
 *
 * Every error from the task or from storage leaves through `classifyError`, so the state machine
 * sees `TaskRetryableError` for what may pass (a throttled write as much as a 503 from a service
 * the task calls) and a permanent name for the rest.
 */
export function createTaskSteps(options: TaskStepsOptions): TaskSteps {
  const { tasks, records, store, buckets } = options;
  const now = options.now ?? (() => new Date());
  const maxInlineBytes = options.maxInlineBytes ?? INLINE_PAYLOAD_MAX_BYTES;
  const results = (key: string) => ({ bucket: buckets.results, key });
  const payloads = (key: string) => ({ bucket: buckets.payloads, key });

  function superseded(task: TaskEnvelope, why: string): TaskSupersededError {
    return new TaskSupersededError(
      `task ${task.id} generation ${task.generation}: ${why}; this execution runs nothing`,
    );
  }

  function whyNotClaimed(task: TaskEnvelope, record: TaskRecord | undefined, runId: string) {
    if (!record) return "the task has no record";
    if (record.generation !== task.generation) {
      return `the record is at generation ${record.generation}`;
    }
    if (record.runId !== undefined && record.runId !== runId) {
      return "another execution claimed this generation";
    }
    return `the task is ${record.status}`;
  }

  /** Counts one more call of `start` for this execution; the only source of attempt numbers. */
  async function claim(task: TaskEnvelope, runId: string): Promise<TaskRecord> {
    const claimed = await records.claimAttempt(task.id, task.generation, runId);
    if (!claimed.ok) {
      const record = claimed.reason === "conflict" ? claimed.record : undefined;
      throw superseded(task, whyNotClaimed(task, record, runId));
    }
    const { ok: _ok, ...record } = claimed;
    return record;
  }

  /** The poll's guard: a read, since a poll changes nothing in the record. */
  async function assertStillClaimed(task: TaskEnvelope, runId: string): Promise<void> {
    const record = await records.get(task.id);
    const ours =
      record?.generation === task.generation &&
      record.runId === runId &&
      record.status === "running";
    if (!ours) throw superseded(task, whyNotClaimed(task, record, runId));
  }

  function deadlineOf(definition: AnyTaskDefinition, record: TaskRecord): string | undefined {
    if (definition.timeoutSeconds === undefined || !record.startedAt) return undefined;
    const start = Date.parse(record.startedAt);
    return new Date(start + definition.timeoutSeconds * 1000).toISOString();
  }

  function assertBeforeDeadline(task: TaskEnvelope, deadline: string | undefined) {
    if (deadline !== undefined && now().getTime() >= Date.parse(deadline)) {
      throw new TaskTimeoutError(
        `task \`${task.type}\` ${task.id} passed its deadline ${deadline} (timeoutSeconds of the task)`,
      );
    }
  }

  function contextFor(task: TaskEnvelope, attemptNo: number, pollsDone: number): TaskContext {
    return {
      taskId: task.id,
      type: task.type,
      generation: task.generation,
      attempt: attemptNo,
      polls: pollsDone,
      correlationId: task.correlationId,
      now,
    };
  }

  /** Validates what `start`/`poll` returned and turns it into the step outcome. */
  async function toOutcome(
    definition: AnyTaskDefinition,
    task: TaskEnvelope,
    result: StepResult<unknown, JsonValue>,
    attemptNo: number,
    pollsDone: number,
    deadline: string | undefined,
  ): Promise<StepOutcome> {
    const where = `task \`${task.type}\``;
    if (result?.status === "succeeded") {
      const parsed = definition.output.safeParse(result.output);
      if (!parsed.success) {
        const issues = fieldIssues(parsed.error, "output");
        throw new TaskOutputError(
          `${where} returned an output that does not match its schema: ${describeIssues(issues)}`,
          { issues },
        );
      }
      const output = await storePayload(
        store,
        (parsed.data ?? null) as JsonValue,
        results(s3Keys.output(task.id, task.generation)),
        maxInlineBytes,
      );
      return { status: "succeeded", attempt: attemptNo, polls: pollsDone, output };
    }
    if (result?.status === "running") {
      const wait = result.pollAfterSeconds;
      if (!Number.isInteger(wait) || wait < 0 || wait > POLL_AFTER_MAX_SECONDS) {
        throw new TaskOutputError(
          `${where}: \`pollAfterSeconds\` must be a whole number from 0 to ${POLL_AFTER_MAX_SECONDS}, got ${JSON.stringify(wait)}`,
        );
      }
      if (!definition.poll) {
        throw new TaskOutputError(`${where} returned \`running\` but defines no \`poll\``);
      }
      // A wait past the deadline would only delay the TaskTimeoutError; the workflow's check of
      // timeouts against the execution timeout (assertTasksFitWorkflow) counts on this.
      const untilDeadline =
        deadline === undefined
          ? wait
          : Math.max(1, Math.ceil((Date.parse(deadline) - now().getTime()) / 1000));
      const state = await storePayload(
        store,
        (result.state ?? null) as JsonValue,
        payloads(s3Keys.runningState(task.id, task.generation, pollsDone)),
        maxInlineBytes,
      );
      return {
        status: "running",
        attempt: attemptNo,
        polls: pollsDone,
        pollAfterSeconds: Math.min(wait, untilDeadline),
        state,
        ...(deadline ? { deadline } : {}),
      };
    }
    throw new TaskOutputError(
      `${where} must return { status: "succeeded", output } or { status: "running", state, pollAfterSeconds }`,
    );
  }

  async function createTask(event: unknown): Promise<StepOutcome> {
    const parsedEvent = parseEvent(createTaskEvent, event, STATE_NAMES.createTask);
    const task = parseEnvelope(parsedEvent.task);
    const definition = tasks.get(task.type);
    const record = await classifying(() => claim(task, parsedEvent.run));
    const attemptNo = record.attempts;
    const deadline = deadlineOf(definition, record);
    try {
      assertBeforeDeadline(task, deadline);
      const rawInput = await loadPayload(store, task.input);
      const input = definition.input.safeParse(rawInput);
      if (!input.success) {
        const issues = fieldIssues(input.error, "input");
        throw new TaskInputError(
          `input of task \`${task.type}\` does not match its schema: ${describeIssues(issues)}`,
          { issues },
        );
      }
      const ctx = contextFor(task, attemptNo, 0);
      const result = await definition.start(input.data, ctx);
      return await toOutcome(definition, task, result, attemptNo, 0, deadline);
    } catch (error) {
      const classified = classifyError(error);
      // Best effort: the record's lastError is for people; failing to write it must not hide
      // the task's own error from the state machine.
      await records
        .recordAttemptError(
          task.id,
          { generation: task.generation, runId: parsedEvent.run, attempt: attemptNo },
          truncateError(describeError(classified)),
          classified.name === ERROR_NAMES.retryable,
        )
        .catch(() => undefined);
      throw classified;
    }
  }

  async function checkTaskStatus(event: unknown): Promise<StepOutcome> {
    const { parsedEvent, task, step } = stepEventOf(event, STATE_NAMES.checkTaskStatus, "running");
    const definition = tasks.get(task.type);
    return classifying(async () => {
      await assertStillClaimed(task, parsedEvent.run);
      assertBeforeDeadline(task, step.deadline);
      const state = await loadPayload(store, step.state);
      const ctx = contextFor(task, step.attempt, step.polls);
      // toOutcome checked at `start` that a running task has a poll.
      const poll = definition.poll as NonNullable<AnyTaskDefinition["poll"]>;
      const result = await poll(state, ctx);
      return toOutcome(definition, task, result, step.attempt, step.polls + 1, step.deadline);
    });
  }

  async function taskCompleted(event: unknown): Promise<CompletedSummary> {
    const { parsedEvent, task, step } = stepEventOf(event, STATE_NAMES.taskCompleted, "succeeded");
    const run = { generation: task.generation, runId: parsedEvent.run };
    await classifying(async () => {
      if (await records.complete(task.id, run, { output: step.output, polls: step.polls })) return;
      // A retry of this step after its write applied (the response was lost) finds its own end.
      const record = await records.get(task.id);
      const ours = record?.generation === task.generation && record.runId === parsedEvent.run;
      if (ours && record.status === "succeeded") return;
      throw superseded(task, whyNotClaimed(task, record, parsedEvent.run));
    });
    return {
      id: task.id,
      generation: task.generation,
      status: "succeeded",
      attempts: step.attempt,
      polls: step.polls,
    };
  }

  async function markFailed(event: unknown): Promise<FailedSummary> {
    const parsedEvent = parseEvent(markFailedEvent, event, STATE_NAMES.markFailed);
    const task = parseEnvelope(parsedEvent.task);
    const error = truncateError(
      parsedEvent.error
        ? caughtErrorInfo(parsedEvent.error)
        : { name: "TaskFailed", message: "the workflow failed without an error" },
    );
    return classifying(async () => {
      const run = { generation: task.generation, runId: parsedEvent.run };
      const recorded = await records.fail(task.id, run, error);
      // Explains the outcome for the logs and metrics; the write above decided it.
      const record = await records.get(task.id);
      const ours = record?.generation === task.generation && record.status === "failed";
      return {
        id: task.id,
        generation: task.generation,
        status: "failed",
        attempts: record?.attempts ?? 0,
        error: error.name,
        cause: error.message,
        recorded: recorded || (ours && record?.runId === parsedEvent.run),
      };
    });
  }

  return { createTask, checkTaskStatus, taskCompleted, markFailed };
}

/** The step outcome in an event, or an `EnvelopeError` naming what is wrong with it. */
function parseStep(raw: unknown, state: string): StepOutcome {
  return parseEvent(stepOutcomeSchema, raw, `${state} (its \`step\`)`);
}

/** The event of a step that continues from another's outcome, which must have `status`. */
function stepEventOf<S extends StepOutcome["status"]>(event: unknown, state: string, status: S) {
  const parsedEvent = parseEvent(stepEvent, event, state);
  const task = parseEnvelope(parsedEvent.task);
  const step = parseStep(parsedEvent.step, state);
  if (step.status !== status) {
    throw new EnvelopeError(`${state} needs a ${status} step, got ${step.status}`);
  }
  return { parsedEvent, task, step: step as Extract<StepOutcome, { status: S }> };
}

/** Runs `work`, rethrowing whatever it throws as the state machine must see it. */
async function classifying<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyError(error);
  }
}

/**
 * A caught error as Step Functions hands it over. On AWS, a Lambda error's `Cause` is the JSON
 * the runtime reported (`{"errorType","errorMessage","trace"}`); locally it is the message.
 */
export function caughtErrorInfo(caught: {
  Error: string;
  Cause?: string | undefined;
}): TaskErrorInfo {
  const cause = caught.Cause ?? "";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === "string") {
      return { name: caught.Error, message: parsed.errorMessage };
    }
  } catch {
    // Not JSON: the cause is the message itself.
  }
  return { name: caught.Error, message: cause };
}

function truncateError(error: TaskErrorInfo): TaskErrorInfo {
  if (error.message.length <= ERROR_MESSAGE_MAX_LENGTH) return error;
  return { name: error.name, message: `${error.message.slice(0, ERROR_MESSAGE_MAX_LENGTH - 1)}…` };
}

function parseEvent<T extends z.ZodType>(schema: T, event: unknown, state: string): z.output<T> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new EnvelopeError(
      `${state} received an event it cannot read: ${describeIssues(issues)}`,
      { issues },
    );
  }
  return parsed.data;
}
