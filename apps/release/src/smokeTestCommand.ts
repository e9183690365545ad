import { Command } from "commander";
import { type CliEnvironment, outputOf } from "./cliEnvironment.js";
import { locateRepository, parseCommandLine, positiveSeconds } from "./commandLine.js";
import { DEFAULT_SMOKE_TIMEOUT_SECONDS, EXIT_CODES, STACK_OUTPUTS } from "./constants.js";
import { StackNotFoundError, UsageError } from "./errors.js";
import { errorLines, formatOutcome } from "./humanReport.js";
import { runSmokeTest } from "./smokeTest.js";

interface SmokeTestFlags {
  stack: string;
  smokeTimeout: number;
  region?: string;
  tag: string;
  cwd?: string;
}

/**
 * `tasklane-release smoke-test --stack dev`: the smoke test of gate 4 on its own, against the
 * stack's `apiUrl` output. The deploy workflow runs it right after `pulumi up` of dev.
 * Exit codes: 0 succeeded, 1 unexpected error, 2 usage, 6 the smoke test failed.
 */
export async function runSmokeTestCommand(
  argv: readonly string[],
  env: CliEnvironment,
): Promise<number> {
  const program = new Command()
    .name("tasklane-release smoke-test")
    .usage("--stack <stack> [options]")
    .description(
      "Submit an echo task to a stack's API (SigV4) and wait for it to succeed with its input as output.",
    )
    .requiredOption("--stack <stack>", "the stack whose `apiUrl` output is tested, e.g. dev")
    .option(
      "--smoke-timeout <seconds>",
      "how long to wait for the task",
      positiveSeconds,
      DEFAULT_SMOKE_TIMEOUT_SECONDS,
    )
    .option("--region <region>", "SigV4 region (default: read from the API's URL)")
    .option(
      "--tag <text>",
      "put in the task's input, to find it in the logs",
      "tasklane-release smoke-test",
    )
    .option(
      "--cwd <dir>",
      "run in the repository that holds this folder (default: the current one)",
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 succeeded, 1 unexpected error, 2 usage error, 6 the smoke test failed.\n",
    );

  const stop = await parseCommandLine(program, argv, env);
  if (stop !== undefined) return stop;
  const flags = program.opts<SmokeTestFlags>();
  const output = outputOf(env);

  try {
    const deps = env.dependencies({
      repoRoot: locateRepository(flags.cwd ?? env.cwd),
      ...(flags.region ? { region: flags.region } : {}),
      color: env.stdoutIsTTY ? "always" : "never",
      output,
    });
    const apiUrl = (await deps.stacks.outputs(flags.stack))[STACK_OUTPUTS.apiUrl];
    if (typeof apiUrl !== "string" || apiUrl === "") {
      output.problem(
        `error: ${flags.stack} has no \`apiUrl\` output: deploy it with the full program (infra/) first.`,
      );
      return EXIT_CODES.smokeTestGate;
    }
    output.info(`Smoke test of ${flags.stack} at ${apiUrl}:`);
    const outcome = await runSmokeTest(deps.smokeTestApi(apiUrl), {
      stack: flags.stack,
      apiUrl,
      timeoutSeconds: flags.smokeTimeout,
      tag: flags.tag,
    });
    const lines = formatOutcome("[smoke]", "echo task", outcome);
    const passed = outcome.status === "passed";
    for (const line of lines) {
      if (passed) output.info(line);
      else output.problem(line);
    }
    return passed ? EXIT_CODES.ok : EXIT_CODES.smokeTestGate;
  } catch (error) {
    if (error instanceof UsageError || error instanceof StackNotFoundError) {
      output.problem(`error: ${error.message}`);
      return error instanceof UsageError ? EXIT_CODES.usage : EXIT_CODES.unexpected;
    }
    output.problem("error: the smoke test stopped on an unexpected error:");
    for (const line of errorLines(error)) output.problem(`  ${line}`);
    return EXIT_CODES.unexpected;
  }
}
