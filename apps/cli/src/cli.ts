import { CommanderError } from "commander";
import { CommandFailedError, commandRunner } from "./commandRunner.js";
import { EXIT_CODES } from "./constants.js";
import { type CliIo, processIo } from "./output/cliIo.js";
import { explainError } from "./output/explainError.js";
import { reportError } from "./output/reportError.js";
import { buildProgram, descendants } from "./program.js";

export { type CliIo, processIo } from "./output/cliIo.js";

/**
 * `tasklane <command>`: runs one command and resolves the process's exit code (see `EXIT_CODES`);
 * never calls `process.exit`, so tests run it in-process with their own io.
 *
 * @example
 * ```ts
 * const code = await runCli(["submit", "echo", "--input", '{"text":"hi"}', "--wait", "--json"], io);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // `pnpm tasklane -- <command>` may hand the `--` on.
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const json = args.includes("--json");
  let exitCode: number = EXIT_CODES.ok;
  const program = buildProgram(commandRunner(io, (code) => (exitCode = code)));
  const writeOut = (text: string) => io.stdout.write(text);
  const writeErr = (text: string) => io.stderr.write(text);
  for (const command of [program, ...descendants(program)]) {
    command.exitOverride().configureOutput({ writeOut, writeErr });
  }

  if (args.length === 0) {
    program.outputHelp();
    return EXIT_CODES.usage;
  }
  try {
    await program.parseAsync(args, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
        return EXIT_CODES.ok;
      }
      if (error.code === "commander.help") return EXIT_CODES.usage;
      // commander has printed the problem and the hint; --json gets it as JSON as well.
      if (json) {
        io.stdout.write(
          `${JSON.stringify({ error: { message: error.message.replace(/^error: /, ""), exitCode: EXIT_CODES.usage } })}\n`,
        );
      }
      return EXIT_CODES.usage;
    }
    if (error instanceof CommandFailedError) {
      return reportError(io, explainError(error.error, error.ctx.resolvedTarget), json);
    }
    return reportError(io, explainError(error), json);
  }
}

export { EXIT_CODES } from "./constants.js";
