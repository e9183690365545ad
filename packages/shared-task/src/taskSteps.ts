import * as z from "zod";
import { classifyError, describeError } from "./classifyError.js";
import { INLINE_PAYLOAD_MAX_BYTES, STATE_NAMES } from "./constants.js";
import type { AnyTaskDefinition, StepResult, TaskContext } from "./defineTask.js";
import { POLL_AFTER_MAX_SECONDS } from "./defineTask.js";
import { parseEnvelope, type TaskEnvelope } from "./envelope.js";
import {
  EnvelopeError,
  PayloadError,
  TaskInputError,
  TaskOutputError,
  TaskTimeoutError,
} from "./errors.js";
import { describeIssues, fieldIssues } from "./fieldIssues.js";
import type { JsonValue } from "./json.js";
import {
  type BlobStore,
  loadPayload,
  payloadSchema,
  readJson,
  storePayload,
  writeJson,
} from "./payload.js";
import {
  type AttemptLedger,
  attemptLedgerSchema,
  type FailureRecord,
  type ResultRecord,
  type TaskErrorInfo,
} from "./records.js";
import { s3Keys } from "./s3Keys.js";
import type { TaskRegistry } from "./taskRegistry.js";

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
  resultKey: string;
}

/** What `MarkFailed` returns; the Fail state takes `error` and `cause` from it. */
export interface FailedSummary {
  id: string;
  generation: number;
  status: "failed";
  attempts: number;
  error: string;
  cause: string;
  failureKey: string;
}

export interface TaskStepsOptions {
  tasks: TaskRegistry<AnyTaskDefinition>;
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

const createTaskEvent = z.object({ task: z.unknown() });
const stepEvent = z.object({ task: z.unknown(), step: z.unknown() });
const caughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
const markFailedEvent = z.object({
  task: z.unknown(),
  error: caughtError.optional(),
  step: z.unknown().optional(),
});

/**
 * Builds the step cores over a task registry and a blob store. The consumer's Lambda handlers
 * wrap them with S3; the local runtime and the tests call them directly.
 *
 * Every error from the task or from the store leaves through `classifyError`, so the state
 * machine sees `TaskRetryableError` for what may pass (a 503 from S3 while counting an attempt
 * as much as one from a service the task calls) and a permanent name for the rest.
 */
export function createTaskSteps(options: TaskStepsOptions): TaskSteps {
  const { tasks, store, buckets } = options;
  const now = options.now ?? (() => new Date());
  const maxInlineBytes = options.maxInlineBytes ?? INLINE_PAYLOAD_MAX_BYTES;
  const results = (key: string) => ({ bucket: buckets.results, key });
  const payloads = (key: string) => ({ bucket: buckets.payloads, key });

  /** The attempt ledger of one generation of the task, or `undefined` before its first attempt. */
  async function readLedger(
    task: TaskEnvelope,
    generation: number = task.generation,
  ): Promise<AttemptLedger | undefined> {
    const location = results(s3Keys.attempts(task.id, generation));
    const raw = await readJson(store, location);
    if (raw === undefined) return undefined;
    const parsed = attemptLedgerSchema.safeParse(raw);
    if (!parsed.success) {
      throw new PayloadError(
        `s3://${location.bucket}/${location.key} is not a valid attempt ledger: ${describeIssues(fieldIssues(parsed.error))}`,
      );
    }
    return parsed.data;
  }

  /**
   * Counts one more call of `start`; the only source of attempt numbers, here and on AWS. The
   * first attempt of a retried task's new generation continues from the previous generation's
   * count, so `ctx.attempt` numbers every `start` in the task's life.
   */
  async function beginAttempt(task: TaskEnvelope): Promise<AttemptLedger> {
    const current = await readLedger(task);
    const before =
      current?.attempts ?? (task.generation > 1 ? await earlierGenerationTotal(task) : 0);
    const at = now().toISOString();
    const ledger: AttemptLedger = {
      attempts: before + 1,
      generationAttempts: (current?.generationAttempts ?? 0) + 1,
      firstStartedAt: current?.firstStartedAt ?? at,
      lastStartedAt: at,
      // Kept so the status API can say why the attempt now running is a retry.
      ...(current?.lastError ? { lastError: current.lastError } : {}),
    };
    await writeJson(store, results(s3Keys.attempts(task.id, task.generation)), ledger);
    return ledger;
  }

  /** The task-wide attempt count of the latest earlier generation that ran at all. */
  async function earlierGenerationTotal(task: TaskEnvelope): Promise<number> {
    for (let generation = task.generation - 1; generation >= 1; generation--) {
      const ledger = await readLedger(task, generation);
      if (ledger !== undefined) return ledger.attempts;
    }
    return 0;
  }

  async function recordAttemptError(task: TaskEnvelope, ledger: AttemptLedger, error: unknown) {
    const lastError = truncateError(describeError(error));
    await writeJson(store, results(s3Keys.attempts(task.id, task.generation)), {
      ...ledger,
      lastError,
    });
  }

  function deadlineOf(definition: AnyTaskDefinition, ledger: AttemptLedger): string | undefined {
    if (definition.timeoutSeconds === undefined) return undefined;
    const start = Date.parse(ledger.firstStartedAt);
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
          issues,
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
    const { task: rawTask } = parseEvent(createTaskEvent, event, STATE_NAMES.createTask);
    const task = parseEnvelope(rawTask);
    const definition = tasks.get(task.type);
    const ledger = await classifying(() => beginAttempt(task));
    const deadline = deadlineOf(definition, ledger);
    try {
      assertBeforeDeadline(task, deadline);
      const rawInput = await loadPayload(store, task.input);
      const input = definition.input.safeParse(rawInput);
      if (!input.success) {
        const issues = fieldIssues(input.error, "input");
        throw new TaskInputError(
          `input of task \`${task.type}\` does not match its schema: ${describeIssues(issues)}`,
          issues,
        );
      }
      const ctx = contextFor(task, ledger.attempts, 0);
      const result = await definition.start(input.data, ctx);
      return await toOutcome(definition, task, result, ledger.attempts, 0, deadline);
    } catch (error) {
      const classified = classifyError(error);
      // Best effort: the ledger's lastError is for people; failing to write it must not hide
      // the task's own error from the state machine.
      await recordAttemptError(task, ledger, classified).catch(() => undefined);
      throw classified;
    }
  }

  async function checkTaskStatus(event: unknown): Promise<StepOutcome> {
    const parsedEvent = parseEvent(stepEvent, event, STATE_NAMES.checkTaskStatus);
    const task = parseEnvelope(parsedEvent.task);
    const step = stepOutcomeSchema.parse(parsedEvent.step);
    if (step.status !== "running") {
      throw new EnvelopeError(
        `${STATE_NAMES.checkTaskStatus} needs a running step, got ${step.status}`,
      );
    }
    const definition = tasks.get(task.type);
    return classifying(async () => {
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
    const parsedEvent = parseEvent(stepEvent, event, STATE_NAMES.taskCompleted);
    const task = parseEnvelope(parsedEvent.task);
    const step = stepOutcomeSchema.parse(parsedEvent.step);
    if (step.status !== "succeeded") {
      throw new EnvelopeError(
        `${STATE_NAMES.taskCompleted} needs a succeeded step, got ${step.status}`,
      );
    }
    const record: ResultRecord = {
      id: task.id,
      type: task.type,
      generation: task.generation,
      attempts: step.attempt,
      polls: step.polls,
      completedAt: now().toISOString(),
      output: step.output,
    };
    const resultKey = s3Keys.result(task.id, task.generation);
    await classifying(() => writeJson(store, results(resultKey), record));
    return {
      id: task.id,
      generation: task.generation,
      status: "succeeded",
      attempts: record.attempts,
      polls: record.polls,
      resultKey,
    };
  }

  async function markFailed(event: unknown): Promise<FailedSummary> {
    const parsedEvent = parseEvent(markFailedEvent, event, STATE_NAMES.markFailed);
    const task = parseEnvelope(parsedEvent.task);
    return classifying(async () => {
      const ledger = await readLedger(task);
      const error = truncateError(
        parsedEvent.error
          ? caughtErrorInfo(parsedEvent.error)
          : { name: "TaskFailed", message: "the workflow failed without an error" },
      );
      const record: FailureRecord = {
        id: task.id,
        type: task.type,
        generation: task.generation,
        attempts: ledger?.attempts ?? 0,
        failedAt: now().toISOString(),
        error,
      };
      const failureKey = s3Keys.failure(task.id, task.generation);
      await writeJson(store, results(failureKey), record);
      return {
        id: task.id,
        generation: task.generation,
        status: "failed",
        attempts: record.attempts,
        error: error.name,
        cause: error.message,
        failureKey,
      };
    });
  }

  return { createTask, checkTaskStatus, taskCompleted, markFailed };
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
      issues,
    );
  }
  return parsed.data;
}

/**
 * The step cores keyed by the workflow's Task state names: the `taskResourceLocalHandlers` that
 * bind the ASL to them in aws-local-stepfunctions.
 */
export function workflowStateHandlers(
  steps: TaskSteps,
): Record<string, (input: unknown) => Promise<unknown>> {
  return {
    [STATE_NAMES.createTask]: (input) => steps.createTask(input),
    [STATE_NAMES.checkTaskStatus]: (input) => steps.checkTaskStatus(input),
    [STATE_NAMES.taskCompleted]: (input) => steps.taskCompleted(input),
    [STATE_NAMES.markFailed]: (input) => steps.markFailed(input),
  };
}
