import { EXIT_CODES } from "../constants.js";
import { TasklaneCliError } from "../errors.js";
import type { CliIo } from "./cliIo.js";

/** The JSON form of an error, as `--json` prints it: `{ "error": { ... } }`. */
export function errorDocument(error: TasklaneCliError): { error: Record<string, unknown> } {
  return {
    error: {
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
      ...(error.details.length > 0 ? { details: error.details } : {}),
      ...(error.problem !== undefined ? { problem: error.problem } : {}),
      ...error.data,
      exitCode: error.exitCode,
    },
  };
}

/**
 * Prints an error and resolves the exit code. A user's error is its message, details and fix,
 * without a stack trace (and with `--json`, its JSON on stdout too); anything else is a bug,
 * printed with its stack.
 */
export function reportError(io: CliIo, error: unknown, json: boolean): number {
  if (error instanceof TasklaneCliError) {
    const lines = [`tasklane: ${error.message}`, ...error.details.map((d) => `  ${d}`)];
    if (error.fix) lines.push(`fix: ${error.fix}`);
    io.stderr.write(`${lines.join("\n")}\n`);
    // One line, so it also ends a stream of JSON lines (`watch --json`) readably.
    if (json) io.stdout.write(`${JSON.stringify(errorDocument(error))}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `tasklane: unexpected error, a bug in the CLI; please report it with this trace:\n${stack}\n`,
  );
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ error: { message: String((error as Error)?.message ?? error), exitCode: EXIT_CODES.internal } })}\n`,
    );
  }
  return EXIT_CODES.internal;
}
