// The example tasks' contracts only: safe for the producer's bundle.
export {
  echoContract,
  exampleContracts,
  FLAKY_MAX_FAILURES,
  failContract,
  flakyContract,
  SLEEP_MAX_SECONDS,
  sleepContract,
  WORD_COUNT_MAX_TEXT_LENGTH,
  wordCountContract,
} from "./definitions/exampleContracts.js";
