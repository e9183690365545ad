import { validate as isUuid, v5 as uuidv5, v7 as uuidv7 } from "uuid";
import { EXECUTION_NAME_MAX_LENGTH } from "../constants.js";
import { TasklaneError } from "../errors.js";

/** Namespace for idempotent task ids (UUIDv5). Fixed forever: changing it changes every id. */
export const TASK_ID_NAMESPACE = "6f1c1f8e-5a4b-4f0e-9a7d-3c2b1a0f9e8d";

/** Longest `Idempotency-Key` accepted, as in the IETF draft's examples and Stripe's limit. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]+$/;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXECUTION_NAME_PATTERN = /^([0-9a-f-]{36})-g([1-9][0-9]*)$/;

/** A new task id: UUIDv7, so ids sort by creation time (S3 listings come out in order). */
export function newTaskId(): string {
  return uuidv7();
}

/** The id of a task submitted with an `Idempotency-Key`: the same key from the same caller always maps to the same id. */
export function idempotentTaskId(idempotencyKey: string, callerIdentity: string): string {
  assertIdempotencyKey(idempotencyKey);
  if (callerIdentity === "") throw new TasklaneError("caller identity must not be empty");
  // JSON keeps the two parts apart: ("a:b", "c") and ("a", "b:c") never collide.
  return uuidv5(JSON.stringify([callerIdentity, idempotencyKey]), TASK_ID_NAMESPACE);
}

/** @throws TasklaneError when the key is empty, too long or holds spaces or control characters. */
export function assertIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new TasklaneError(
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters, got ${key.length}`,
    );
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new TasklaneError(
      "Idempotency-Key may hold only visible ASCII characters (no spaces or control characters)",
    );
  }
}

/** True for a lower-case, hyphenated UUID such as the ids this package makes. */
export function isTaskId(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value) && isUuid(value);
}

/**
 * The Step Functions execution name of one generation of a task. Deterministic, so a duplicate
 * SQS delivery meets `ExecutionAlreadyExists` instead of starting a second run; a retried task
 * gets a new generation and so a new name. Only `[0-9a-f-g]`, so it is valid everywhere
 * (execution names used in CloudWatch metrics must avoid anything outside `[A-Za-z0-9_-]`).
 */
export function executionName(taskId: string, generation: number): string {
  if (!isTaskId(taskId))
    throw new TasklaneError(`task id must be a UUID, got ${JSON.stringify(taskId)}`);
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new TasklaneError(`generation must be a whole number >= 1, got ${generation}`);
  }
  const name = `${taskId}-g${generation}`;
  if (name.length > EXECUTION_NAME_MAX_LENGTH) {
    throw new TasklaneError(`execution name ${name} is longer than ${EXECUTION_NAME_MAX_LENGTH}`);
  }
  return name;
}

/** The task id and generation behind an execution name, or `undefined` for a foreign name. */
export function parseExecutionName(
  name: string,
): { taskId: string; generation: number } | undefined {
  const match = EXECUTION_NAME_PATTERN.exec(name);
  if (!match?.[1] || !match[2] || !isTaskId(match[1])) return undefined;
  const generation = Number(match[2]);
  if (!Number.isSafeInteger(generation)) return undefined;
  return { taskId: match[1], generation };
}
