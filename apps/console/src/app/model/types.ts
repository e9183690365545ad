// What the page reads, defined where it is answered: the API's JSON by @tasklane/api-client, the
// DLQ's by @tasklane/dead-letters, the console server's own in src/shared. Only dependency-free
// modules: the page is type-checked as browser code.
export type * from "@tasklane/api-client/types";
export type {
  DeadLetterChoice,
  DeadLetterJson,
  MessageReport,
  QueueDepth,
} from "@tasklane/dead-letters/types";
export type {
  ConsoleTargetInfo,
  DeadLetterPage,
  Overview,
  PurgeAnswer,
  RedriveAnswer,
  SweepAnswer,
} from "../../shared/consoleViews.js";
