// The example tasks' code: for the consumer only.
export {
  countText,
  echo,
  exampleTasks,
  fail,
  flaky,
  SLEEP_MAX_POLL_SECONDS,
  sleep,
  wordCount,
} from "./definitions/exampleTasks.js";
