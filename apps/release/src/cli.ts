import type { CliEnvironment } from "./cliEnvironment.js";
import { EXIT_CODES } from "./constants.js";
import { runPromoteCommand } from "./promoteCommand.js";
import { realDependencies } from "./realDependencies.js";
import { runSmokeTestCommand } from "./smokeTestCommand.js";

const USAGE = `usage: tasklane-release <command> [options]

commands:
  promote      promote a stack's release to another stack (pnpm promote)
  smoke-test   submit an echo task to a stack's API and wait for it to succeed

tasklane-release <command> --help describes a command.
`;

/**
 * `tasklane-release <command>`: `promote` (what `pnpm promote` runs) or `smoke-test` (what the
 * deploy workflow runs after deploying dev). Resolves the exit code; never calls `process.exit`.
 */
export async function runCli(
  argv: readonly string[],
  env: CliEnvironment = processEnvironment(),
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "promote":
      return runPromoteCommand(rest, env);
    case "smoke-test":
      return runSmokeTestCommand(rest, env);
    case "help":
    case "--help":
    case "-h":
      env.stdout(USAGE);
      return EXIT_CODES.ok;
    default:
      env.stderr(
        `${command === undefined ? "error: no command" : `error: unknown command \`${command}\``}\n${USAGE}`,
      );
      return EXIT_CODES.usage;
  }
}

/** The real process: stdout, stderr, the terminal, AWS and Pulumi. */
function processEnvironment(): CliEnvironment {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    dependencies: realDependencies,
  };
}
