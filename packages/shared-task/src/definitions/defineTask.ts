import * as z from "zod";
import { TaskDefinitionError } from "../errors.js";
import type { JsonValue } from "../json.js";

/** `word-count`: lower-case words joined by single hyphens, starting with a letter. */
export const TASK_TYPE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const TASK_TYPE_MAX_LENGTH = 64;
export const TASK_DESCRIPTION_MAX_LENGTH = 500;
/** A Standard execution lasts at most a year, so no task may allow itself longer. */
export const TASK_TIMEOUT_MAX_SECONDS = 365 * 24 * 60 * 60;
/** The longest pause a task may ask for between polls. */
export const POLL_AFTER_MAX_SECONDS = 24 * 60 * 60;

/** What a task learns about the run it is part of. */
export interface TaskContext {
  readonly taskId: string;
  readonly type: string;
  /** 1 for a task's first run; a retry of a failed or cancelled task increments it. */
  readonly generation: number;
  /**
   * 1 for the first call of `start`, 2 for its first retry, and so on over the task's whole
   * life: the first attempt of a retried task (its next generation) continues the count. `poll`
   * sees the attempt whose `start` it continues. Counted in a ledger the step keeps in S3, so it
   * is the same on AWS and locally (the local Step Functions runtime has no
   * `$$.State.RetryCount`).
   */
  readonly attempt: number;
  /** Polls completed before this call: 0 in `start` and in the first `poll`. */
  readonly polls: number;
  readonly correlationId: string;
  /** The clock to use for deadlines and waits; tests replace it. */
  now(): Date;
}

/** What `start` and `poll` return: finished with an output, or still running with a state. */
export type StepResult<Output, State> =
  | { status: "succeeded"; output: Output }
  | { status: "running"; state: State; pollAfterSeconds: number };

/** The part of a task the producer needs: its name, its purpose and the shape of its data. */
export interface TaskContract<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
> {
  /** Stable identifier clients send as `type`. Changing it breaks every client. */
  readonly type: string;
  /** One or two sentences for the task catalog (`GET /task-types`). */
  readonly description: string;
  /** Validates the input before it is queued, and again before `start` runs. */
  readonly input: Input;
  /** Validates what the task returns before it is stored as the result. */
  readonly output: Output;
  /** Longest a task may take from its first `start` to its last `poll`; unbounded when absent. */
  readonly timeoutSeconds?: number;
}

/** The code of a task. Only the consumer bundles it. */
export interface TaskHandlers<Input, Output, State extends JsonValue> {
  /** Does the work, or starts it and returns `running` with what `poll` needs to follow it. */
  start(
    input: Input,
    ctx: TaskContext,
  ): Promise<StepResult<Output, State>> | StepResult<Output, State>;
  /** Checks on work that `start` left running. Required when `start` can return `running`. */
  poll?(
    state: State,
    ctx: TaskContext,
  ): Promise<StepResult<Output, State>> | StepResult<Output, State>;
}

/** A contract and its code: what the consumer registers. */
export interface TaskDefinition<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
  State extends JsonValue = JsonValue,
> extends TaskContract<Input, Output>,
    TaskHandlers<z.output<Input>, z.input<Output>, State> {
  readonly contract: TaskContract<Input, Output>;
}

/** Any task definition, whatever its types; what registries and the step runner hold. */
// biome-ignore lint/suspicious/noExplicitAny: the registry erases each task's own types
export type AnyTaskDefinition = TaskDefinition<z.ZodType, z.ZodType, any>;

/**
 * Declares a task's contract: its `type`, `description`, input and output schemas, and optional
 * timeout. Import contracts where you must not bundle task code (the producer).
 *
 * @example
 * ```ts
 * export const resizeContract = defineTaskContract({
 *   type: "resize-image",
 *   description: "Resizes an image stored in S3 to the given width.",
 *   input: z.object({ key: z.string(), width: z.int().min(1).max(4096) }),
 *   output: z.object({ key: z.string() }),
 *   timeoutSeconds: 300,
 * });
 * ```
 */
export function defineTaskContract<Input extends z.ZodType, Output extends z.ZodType>(
  contract: TaskContract<Input, Output>,
): TaskContract<Input, Output> {
  const where = `task \`${String((contract as { type?: unknown })?.type ?? "(no type)")}\``;
  if (typeof contract !== "object" || contract === null) {
    throw new TaskDefinitionError("a task contract must be an object");
  }
  const { type, description, input, output, timeoutSeconds } = contract;
  if (typeof type !== "string" || !TASK_TYPE_PATTERN.test(type)) {
    throw new TaskDefinitionError(
      `${where}: \`type\` must be lower-case words joined by hyphens (like \`word-count\`), got ${JSON.stringify(type)}`,
    );
  }
  if (type.length > TASK_TYPE_MAX_LENGTH) {
    throw new TaskDefinitionError(
      `${where}: \`type\` is ${type.length} characters; the limit is ${TASK_TYPE_MAX_LENGTH}`,
    );
  }
  if (typeof description !== "string" || description.trim() === "") {
    throw new TaskDefinitionError(`${where}: \`description\` must be a non-empty string`);
  }
  if (description.length > TASK_DESCRIPTION_MAX_LENGTH) {
    throw new TaskDefinitionError(
      `${where}: \`description\` is ${description.length} characters; the limit is ${TASK_DESCRIPTION_MAX_LENGTH}`,
    );
  }
  if (!(input instanceof z.ZodType)) {
    throw new TaskDefinitionError(`${where}: \`input\` must be a zod schema`);
  }
  if (!(output instanceof z.ZodType)) {
    throw new TaskDefinitionError(`${where}: \`output\` must be a zod schema`);
  }
  if (
    timeoutSeconds !== undefined &&
    (!Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < 1 ||
      timeoutSeconds > TASK_TIMEOUT_MAX_SECONDS)
  ) {
    throw new TaskDefinitionError(
      `${where}: \`timeoutSeconds\` must be a whole number from 1 to ${TASK_TIMEOUT_MAX_SECONDS}, got ${JSON.stringify(timeoutSeconds)}`,
    );
  }
  return Object.freeze({ ...contract });
}

/**
 * Gives a contract its code. `start` runs once per attempt; a task that returns `running`
 * must define `poll`, which the workflow calls after `pollAfterSeconds` until it finishes.
 *
 * @example
 * ```ts
 * export const resize = defineTask(resizeContract, {
 *   async start({ key, width }, ctx) {
 *     const resized = await resizeObject(key, width);
 *     return { status: "succeeded", output: { key: resized } };
 *   },
 * });
 * ```
 */
export function defineTask<
  Input extends z.ZodType,
  Output extends z.ZodType,
  State extends JsonValue = JsonValue,
>(
  contract: TaskContract<Input, Output>,
  handlers: TaskHandlers<z.output<Input>, z.input<Output>, State>,
): TaskDefinition<Input, Output, State> {
  const checked = defineTaskContract(contract);
  const where = `task \`${checked.type}\``;
  if (typeof handlers !== "object" || handlers === null) {
    throw new TaskDefinitionError(`${where}: handlers must be an object with \`start\``);
  }
  if (typeof handlers.start !== "function") {
    throw new TaskDefinitionError(`${where}: \`start\` must be a function`);
  }
  if (handlers.poll !== undefined && typeof handlers.poll !== "function") {
    throw new TaskDefinitionError(`${where}: \`poll\` must be a function when present`);
  }
  const definition: TaskDefinition<Input, Output, State> = {
    ...checked,
    contract: checked,
    start: handlers.start,
  };
  if (handlers.poll) definition.poll = handlers.poll;
  return Object.freeze(definition);
}
