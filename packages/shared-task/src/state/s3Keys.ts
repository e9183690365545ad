import { TasklaneError } from "../errors.js";
import { FINGERPRINT_PATTERN } from "./fingerprint.js";
import { isTaskId } from "./taskIds.js";

/**
 * The one place that knows where things live in S3. Two buckets, each holding blobs written
 * once (what changes about a task lives in the tasks table):
 * - `payloads`: inputs and running states too large to travel inline; expire by lifecycle.
 * - `results`: outputs too large to travel inline, one per task generation.
 */
export const S3_PREFIXES = {
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
  /** results: an output too large to travel inline. */
  output: (taskId: string, generation: number) => `${runFolder(taskId, generation)}output.json`,
} as const;
