// @tasklane/dead-letters: the DLQ's core, shared by the `tasklane dlq` commands and the console.

export {
  PEEK_VISIBILITY_SECONDS,
  RECEIVE_WAIT_SECONDS,
  REDRIVE_ATTRIBUTES,
  WORK_VISIBILITY_SECONDS,
} from "./constants.js";
export {
  type DeadLetter,
  DeadLetterScan,
  deadLetterJson,
  queueDepth,
  queueName,
  toDeadLetter,
} from "./deadLetterQueue.js";
export { type PeekOptions, peekDeadLetters } from "./peekDeadLetters.js";
export { type PurgeOptions, purgeDeadLetters } from "./purgeDeadLetters.js";
export { type Clock, type RateLimiter, rateLimiter } from "./rateLimiter.js";
export { type RedriveOptions, redriveDeadLetters } from "./redriveDeadLetters.js";
export { type DeadLetterSelection, selectDeadLetters } from "./selectDeadLetters.js";
export {
  reportOf,
  type SweepOptions,
  sweepDeadLetters,
} from "./sweepDeadLetters.js";
export type { DeadLetterChoice, DeadLetterJson, MessageReport, QueueDepth } from "./types.js";
