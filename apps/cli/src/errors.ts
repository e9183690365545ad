import { EXIT_CODES, type ExitCode } from "./constants.js";

export interface CliErrorOptions {
  /** What to do about it, one sentence: printed after the problem as `fix: ...`. */
  fix?: string;
  /** More lines about the problem, such as the fields the API named. */
  details?: readonly string[];
  /** The RFC 9457 problem the API answered, for `--json` output. */
  problem?: unknown;
  /** Facts for scripts, added to the `--json` error document (such as the task's id). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A problem the user can fix, reported without a stack trace: the message names the problem,
 * `fix` says what to do, and `exitCode` is what the process exits with.
 */
export class TasklaneCliError extends Error {
  override name = "TasklaneCliError";
  readonly fix: string | undefined;
  readonly details: readonly string[];
  readonly problem: unknown;
  readonly data: Record<string, unknown>;

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options: CliErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.fix = options.fix;
    this.details = options.details ?? [];
    this.problem = options.problem;
    this.data = options.data ?? {};
  }
}

/** The base of an error that always exits with `exitCode`. */
function exitingWith(
  name: string,
  exitCode: ExitCode,
): new (
  message: string,
  options?: CliErrorOptions,
) => TasklaneCliError {
  return class extends TasklaneCliError {
    override name = name;
    constructor(message: string, options: CliErrorOptions = {}) {
      super(message, exitCode, options);
    }
  };
}

/** The command line is wrong (exit 2). */
export class UsageError extends exitingWith("UsageError", EXIT_CODES.usage) {}

/** There is no target, or it cannot be reached or authenticated to (exit 3). */
export class TargetError extends exitingWith("TargetError", EXIT_CODES.target) {}

/** The API or SQS answered, and refused (exit 4). */
export class RefusedError extends exitingWith("RefusedError", EXIT_CODES.refused) {}

/** `--timeout` passed before the task finished (exit 5). */
export class WaitTimeoutError extends exitingWith("WaitTimeoutError", EXIT_CODES.timeout) {}

/** Ctrl-C (exit 130). */
export class InterruptedError extends exitingWith("InterruptedError", EXIT_CODES.interrupted) {}
