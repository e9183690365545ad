import { TasklaneError } from "./errors.js";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { isTaskId } from "./taskIds.js";

/**
 * The one place that knows where things live in S3. Two buckets:
 * - `payloads`: inputs and running states too large to travel inline; expire by lifecycle.
 * - `results`: task records and what each run produced; kept.
 *
 * Each task's run objects share its id's folder. Ids made with an `Idempotency-Key` are UUIDv5
 * and do not sort by time, so `created/` is an index of empty objects named by creation time:
 * listing it from a timestamp gives the tasks created since then, in order.
 */
export const S3_PREFIXES = {
  taskRecords: "tasks/",
  createdIndex: "created/",
  inputs: "inputs/",
  states: "states/",
  runs: "runs/",
} as const;

function checkedId(taskId: string): string {
  if (!isTaskId(taskId)) throw new TasklaneError(`not a task id: ${JSON.stringify(taskId)}`);
  return taskId;
}

function checkedGeneration(generation: number): number {
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new TasklaneError(`not a generation: ${generation}`);
  }
  return generation;
}

function runFolder(taskId: string, generation: number): string {
  return `${S3_PREFIXES.runs}${checkedId(taskId)}/g${checkedGeneration(generation)}/`;
}

export const s3Keys = {
  /** results: the task record the producer writes (type, input, generation, cancellation). */
  taskRecord: (taskId: string) => `${S3_PREFIXES.taskRecords}${checkedId(taskId)}.json`,
  /**
   * payloads: an input too large to travel inline. The submission's fingerprint is part of the
   * key: two requests racing for one `Idempotency-Key` with different bodies write different
   * objects, so the one that loses never overwrites the input of the one that was accepted.
   * Readers never build it: they follow the reference in the task envelope.
   */
  input: (taskId: string, fingerprint: string) => {
    if (!FINGERPRINT_PATTERN.test(fingerprint)) {
      throw new TasklaneError(`not a submission fingerprint: ${JSON.stringify(fingerprint)}`);
    }
    return `${S3_PREFIXES.inputs}${checkedId(taskId)}/${fingerprint}.json`;
  },
  /** payloads: a running state too large to travel inline, one per poll. */
  runningState: (taskId: string, generation: number, polls: number) =>
    `${S3_PREFIXES.states}${checkedId(taskId)}/g${checkedGeneration(generation)}/${polls}.json`,
  /** results: how many times `start` ran for this generation, and the last error. */
  attempts: (taskId: string, generation: number) => `${runFolder(taskId, generation)}attempts.json`,
  /** results: an output too large to travel inline. */
  output: (taskId: string, generation: number) => `${runFolder(taskId, generation)}output.json`,
  /** results: the result record written by `TaskCompleted`. */
  result: (taskId: string, generation: number) => `${runFolder(taskId, generation)}result.json`,
  /** results: the failure record written by `MarkFailed`. */
  failure: (taskId: string, generation: number) => `${runFolder(taskId, generation)}failure.json`,
  /** results: the cancellation marker written by `DELETE /tasks/{id}`. */
  cancellation: (taskId: string, generation: number) =>
    `${runFolder(taskId, generation)}cancel.json`,
  /** results: the creation-time index entry of a task (an empty object). */
  createdIndex: (createdAt: string, taskId: string) => {
    if (Number.isNaN(Date.parse(createdAt)))
      throw new TasklaneError(`not a timestamp: ${createdAt}`);
    return `${S3_PREFIXES.createdIndex}${new Date(createdAt).toISOString()}_${checkedId(taskId)}`;
  },
  /** Where to start listing `created/` to see tasks created at or after `since`. */
  createdIndexStartAfter: (since: Date) =>
    // "_" sorts after every character of an ISO timestamp, so this key precedes the first
    // entry of `since` itself; one millisecond earlier keeps entries of exactly `since`.
    `${S3_PREFIXES.createdIndex}${new Date(since.getTime() - 1).toISOString()}_~`,
  /** The task id and creation time in a `created/` key, or `undefined`. */
  parseCreatedIndexKey(key: string): { createdAt: string; taskId: string } | undefined {
    const match = /^created\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/.exec(
      key,
    );
    if (!match?.[1] || !match[2] || !isTaskId(match[2])) return undefined;
    return { createdAt: match[1], taskId: match[2] };
  },
  /** The task id in a `tasks/{id}.json` key, or `undefined`. */
  taskIdOfRecordKey(key: string): string | undefined {
    const match = /^tasks\/([0-9a-f-]{36})\.json$/.exec(key);
    return match?.[1] && isTaskId(match[1]) ? match[1] : undefined;
  },
} as const;
