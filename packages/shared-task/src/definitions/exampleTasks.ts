import { TaskPermanentError, TaskRetryableError } from "../errors.js";
import { defineTask } from "./defineTask.js";
import {
  echoContract,
  failContract,
  flakyContract,
  sleepContract,
  wordCountContract,
} from "./exampleContracts.js";

/**
 * Longest pause `sleep` asks for between polls: 15 minutes, so that the longest sleep takes
 * about a hundred polls, far inside the workflow's default `maxPolls`, while the task still shows
 * progress (its poll count) while it runs.
 */
export const SLEEP_MAX_POLL_SECONDS = 900;

export const echo = defineTask(echoContract, {
  start: (input) => ({ status: "succeeded", output: input }),
});

export const wordCount = defineTask(wordCountContract, {
  start: ({ text }) => ({ status: "succeeded", output: countText(text) }),
});

/** Counts like a reader would: a final newline does not start another line. */
export function countText(text: string): { words: number; lines: number; characters: number } {
  const words = text.match(/\S+/gu)?.length ?? 0;
  const lines = text === "" ? 0 : text.replace(/\r?\n$/, "").split(/\r?\n/).length;
  const characters = [...text].length;
  return { words, lines, characters };
}

type SleepState = { until: string; seconds: number };

export const sleep = defineTask(sleepContract, {
  start: ({ seconds }, ctx) => {
    if (seconds === 0) return { status: "succeeded", output: { sleptSeconds: 0 } };
    const until = new Date(ctx.now().getTime() + seconds * 1000).toISOString();
    return {
      status: "running",
      state: { until, seconds } satisfies SleepState,
      pollAfterSeconds: Math.min(seconds, SLEEP_MAX_POLL_SECONDS),
    };
  },
  poll: (state, ctx) => {
    const { until, seconds } = state as SleepState;
    const remainingMs = Date.parse(until) - ctx.now().getTime();
    if (remainingMs <= 0) return { status: "succeeded", output: { sleptSeconds: seconds } };
    return {
      status: "running",
      state,
      pollAfterSeconds: Math.min(Math.ceil(remainingMs / 1000), SLEEP_MAX_POLL_SECONDS),
    };
  },
});

export const flaky = defineTask(flakyContract, {
  start: ({ failures }, ctx) => {
    if (ctx.attempt <= failures) {
      throw new TaskRetryableError(
        `flaky fails on purpose on attempt ${ctx.attempt} (asked to fail ${failures} times)`,
      );
    }
    return { status: "succeeded", output: { succeededOnAttempt: ctx.attempt } };
  },
});

export const fail = defineTask(failContract, {
  start: ({ reason }) => {
    throw new TaskPermanentError(reason ?? "fail always fails");
  },
});

/** The example tasks, for the consumer's registry. */
export const exampleTasks = [echo, wordCount, sleep, flaky, fail] as const;
