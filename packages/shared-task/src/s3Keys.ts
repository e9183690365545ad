import { TasklaneError } from "./errors.js";
import { isTaskId } from "./taskIds.js";

/**
 * The one place that knows where things live in S3. Two buckets:
 * - `payloads`: inputs and running states too large to travel inline; expire by lifecycle.
 * - `results`: task records and what each run produced; kept.
 *
 * Every key starts with the task id's folder so one task's objects list together, and task ids
 * are UUIDv7, so `tasks/` lists in creation order.
 */
export const S3_PREFIXES = {
  taskRecords: "tasks/",
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
  /** payloads: an input too large to travel inline. */
  input: (taskId: string) => `${S3_PREFIXES.inputs}${checkedId(taskId)}.json`,
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
  /** The task id in a `tasks/{id}.json` key, or `undefined`. */
  taskIdOfRecordKey(key: string): string | undefined {
    const match = /^tasks\/([0-9a-f-]{36})\.json$/.exec(key);
    return match?.[1] && isTaskId(match[1]) ? match[1] : undefined;
  },
} as const;
