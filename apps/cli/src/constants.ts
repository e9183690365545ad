/**
 * The exit codes, documented in `tasklane --help` and docs/cli.md. Scripts can rely on them.
 */
export const EXIT_CODES = {
  /** Done; for `submit --wait` and `watch`, the task succeeded. */
  ok: 0,
  /** The command ran, but what it reports failed: the task failed or was cancelled, some lines
   *  were rejected, some DLQ messages could not be moved or were not found. */
  failed: 1,
  /** The command line is wrong: an unknown flag, bad JSON in `--input`, a missing file. */
  usage: 2,
  /** No target: no local runtime runs and no stack was named, or it does not answer, or there
   *  are no AWS credentials for it. */
  target: 3,
  /** The API (or SQS) refused the request: an unknown task, invalid input, a conflict, 503. */
  refused: 4,
  /** `--timeout` passed while the task was still queued or running. */
  timeout: 5,
  /** A bug: an error the CLI did not expect. */
  internal: 70,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * A batch is also cut before its lines add up to this many bytes, under the API's default 1 MiB
 * body limit; a stack with a smaller limit answers 413 and the CLI halves the batch.
 */
export const BATCH_MAX_BYTES = 900_000;

/** Batches of `submit-many` in flight at once, unless `--concurrency` says otherwise. */
export const DEFAULT_SUBMIT_CONCURRENCY = 4;

/** Characters of a message body that `dlq list` shows. */
export const BODY_PREVIEW_CHARS = 60;
