/**
 * How long a peek at the DLQ hides the messages it reads. It makes each one visible again as
 * soon as it is done; this only matters if it is killed in between.
 */
export const PEEK_VISIBILITY_SECONDS = 30;

/** How long a redrive or a purge holds a message it is working on. */
export const WORK_VISIBILITY_SECONDS = 120;

/**
 * Long polling of the DLQ: a short poll samples only some SQS servers and can answer "empty"
 * while messages wait, so each receive waits up to this long for one.
 */
export const RECEIVE_WAIT_SECONDS = 1;

/** Message attributes a redrive adds, so a later listing shows how often a message was moved. */
export const REDRIVE_ATTRIBUTES = {
  count: "tasklane.redriveCount",
  run: "tasklane.redriveRun",
} as const;
