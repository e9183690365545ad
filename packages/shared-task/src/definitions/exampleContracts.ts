import * as z from "zod";
import { DEFAULT_EXECUTION_TIMEOUT_SECONDS } from "../constants.js";
import { defineTaskContract } from "./defineTask.js";

/** Longest text `word-count` accepts: 1 MiB of UTF-16 code units. */
export const WORD_COUNT_MAX_TEXT_LENGTH = 1024 * 1024;
/**
 * Longest `sleep`: an hour less than the workflow's default execution timeout (a day), so that
 * even the longest sleep ends, and its result is recorded, before the execution times out.
 */
export const SLEEP_MAX_SECONDS = DEFAULT_EXECUTION_TIMEOUT_SECONDS - 3_600;
/** Most failures `flaky` can be asked for. */
export const FLAKY_MAX_FAILURES = 10;
/**
 * `timeoutSeconds` of the tasks that finish at once in `start` (echo, word-count, fail): room for
 * a slow cold start, far inside what the Express workflow takes (35 s with the default bounds),
 * so they run on Express.
 */
export const INSTANT_TASK_TIMEOUT_SECONDS = 10;
/**
 * `timeoutSeconds` of `flaky`: its deadline runs from its first attempt, so it must outlast the
 * retry pauses of a generation's attempts (2 + 4 + 8 s with the default `taskRetry`) while staying
 * inside what the Express workflow takes.
 */
export const FLAKY_TIMEOUT_SECONDS = 30;

export const echoContract = defineTaskContract({
  type: "echo",
  description: "Returns its input unchanged. Useful to check the pipeline end to end.",
  input: z.json(),
  output: z.json(),
  timeoutSeconds: INSTANT_TASK_TIMEOUT_SECONDS,
});

export const wordCountContract = defineTaskContract({
  type: "word-count",
  description:
    "Counts the words (runs of non-whitespace), lines and characters (Unicode code points) of a text.",
  input: z.object({ text: z.string().max(WORD_COUNT_MAX_TEXT_LENGTH) }),
  output: z.object({
    words: z.int().min(0),
    lines: z.int().min(0),
    characters: z.int().min(0),
  }),
  timeoutSeconds: INSTANT_TASK_TIMEOUT_SECONDS,
});

export const sleepContract = defineTaskContract({
  type: "sleep",
  description:
    "Finishes after the given number of seconds without holding a Lambda: start returns running and the workflow polls until the time has passed.",
  input: z.object({ seconds: z.int().min(0).max(SLEEP_MAX_SECONDS) }),
  output: z.object({ sleptSeconds: z.number().min(0) }),
});

export const flakyContract = defineTaskContract({
  type: "flaky",
  description:
    "Fails with a retryable error on its first `failures` attempts, then succeeds: shows the workflow's retries.",
  input: z.object({ failures: z.int().min(0).max(FLAKY_MAX_FAILURES) }),
  output: z.object({ succeededOnAttempt: z.int().min(1) }),
  timeoutSeconds: FLAKY_TIMEOUT_SECONDS,
});

export const failContract = defineTaskContract({
  type: "fail",
  description: "Always fails with a permanent error, so it is never retried.",
  input: z.object({ reason: z.string().max(1000).optional() }),
  output: z.never(),
  timeoutSeconds: INSTANT_TASK_TIMEOUT_SECONDS,
});

/** The example tasks' contracts, for the producer and the catalog. */
export const exampleContracts = [
  echoContract,
  wordCountContract,
  sleepContract,
  flakyContract,
  failContract,
] as const;
