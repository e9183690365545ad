// @tasklane/cli: the `tasklane` command line, runnable in-process.

export { type CliIo, EXIT_CODES, processIo, runCli } from "./cli.js";
export type { OutputStream } from "./cliIo.js";
export {
  InterruptedError,
  RefusedError,
  TargetError,
  TasklaneCliError,
  UsageError,
  WaitTimeoutError,
} from "./errors.js";
export {
  resolveTarget,
  type Target,
  type TargetFlags,
  type TargetSource,
} from "./resolveTarget.js";
