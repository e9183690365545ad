// @tasklane/cli: the `tasklane` command line, runnable in-process.

export { type CliIo, EXIT_CODES, processIo, runCli } from "./cli.js";
export {
  InterruptedError,
  RefusedError,
  TargetError,
  TasklaneCliError,
  UsageError,
  WaitTimeoutError,
} from "./errors.js";
export type { OutputStream } from "./output/cliIo.js";
export {
  resolveTarget,
  type Target,
  type TargetFlags,
  type TargetSource,
} from "./target/resolveTarget.js";
