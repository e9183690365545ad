import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { type Command, CommanderError, InvalidArgumentError } from "commander";
import { EXIT_CODES } from "./constants.js";
import { UsageError } from "./errors.js";

/**
 * Parses `argv` with a commander program set to throw rather than exit. Resolves `undefined` to go
 * on, or the exit code to stop with: 0 after `--help`, the usage code after a mistake (commander
 * has printed it).
 */
export async function parseCommandLine(
  program: Command,
  argv: readonly string[],
  io: { stdout(text: string): void; stderr(text: string): void },
): Promise<number | undefined> {
  program
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return undefined;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === "commander.helpDisplayed" || error.code === "commander.version"
      ? EXIT_CODES.ok
      : EXIT_CODES.usage;
  }
}

/** The repository root above `cwd`, which must hold this project's `Pulumi.yaml`. */
export function locateRepository(cwd: string): string {
  let repoRoot: string;
  try {
    repoRoot = findRepoRoot(resolve(cwd));
  } catch {
    throw new UsageError(
      `${cwd} is not inside the Tasklane repository (no pnpm-workspace.yaml above it)`,
    );
  }
  if (!existsSync(join(repoRoot, "Pulumi.yaml"))) {
    throw new UsageError(`${repoRoot} has no Pulumi.yaml: run this in the Tasklane repository`);
  }
  return repoRoot;
}

/** A commander option parser for a whole, positive number of seconds. */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError("expected a whole, positive number of seconds");
  }
  return n;
}
