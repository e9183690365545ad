import { Command, Option } from "commander";
import type { CommandRunner } from "./commandRunner.js";
import { cancelCommand } from "./commands/cancelCommand.js";
import { consoleCommand } from "./commands/consoleCommand.js";
import { listCommand } from "./commands/listCommand.js";
import { retryCommand } from "./commands/retryCommand.js";
import { statusCommand } from "./commands/statusCommand.js";
import { submitCommand } from "./commands/submitCommand.js";
import { submitManyCommand } from "./commands/submitManyCommand.js";
import { typesCommand } from "./commands/typesCommand.js";
import { watchCommand } from "./commands/watchCommand.js";
import { dlqCommand } from "./deadLetters/dlqCommand.js";

const HELP_AFTER = `
Target (the first that applies):
  --stack-outputs <file>       a deployed stack: the JSON of \`pulumi stack output --json\`
  --api-url, --queue-url, --dlq-url (or TASKLANE_API_URL, TASKLANE_QUEUE_URL, TASKLANE_DLQ_URL)
  the local runtime \`pnpm dev\` is running, found through .tasklane/local-runtime.json
Requests to a deployed API (an execute-api URL, or any --stack-outputs) are signed with SigV4 from
the standard AWS credential chain (AWS_PROFILE, SSO, env, instance role); the DLQ commands talk to
SQS with the same credentials. The region is --region, else the one in the URLs, else AWS_REGION.

Exit codes:
  0   done; with --wait / watch, the task succeeded
  1   done, but it failed: the task failed or was cancelled, lines were rejected, messages not moved
  2   usage: a wrong flag or argument, bad JSON, an unreadable file, purge without --yes
  3   no target: nothing running locally and no stack named, unreachable, or no AWS credentials
  4   refused: the API or SQS said no (unknown task, invalid input, conflict, throttled, 5xx)
  5   --timeout passed while the task was still queued or running
  70  a bug in the CLI (reported with its stack trace)
  130 interrupted (Ctrl-C)

--json: stdout carries JSON only: one document per command, or JSON lines for \`watch\`; errors
are {"error": {...}}. Messages for people go to stderr.`;

/** The `tasklane` command line: its global options and commands. */
export function buildProgram(run: CommandRunner): Command {
  const program = new Command("tasklane")
    .description(
      "Submit, follow, inspect and redrive Tasklane tasks, against the local runtime (`pnpm dev`) or a deployed stack.",
    )
    .version("0.0.0", "-V, --version", "print the CLI's version")
    .option("--json", "print JSON only, for scripts (see below)")
    .option("--api-url <url>", "the API's base URL (env TASKLANE_API_URL)")
    .option("--queue-url <url>", "the tasks queue's URL, for dlq redrive (env TASKLANE_QUEUE_URL)")
    .option(
      "--dlq-url <url>",
      "the dead-letter queue's URL, for the dlq commands (env TASKLANE_DLQ_URL)",
    )
    .option("--stack-outputs <file>", "a stack's outputs, from `pulumi stack output --json > file`")
    .option("--region <region>", "the AWS region (default: from the URLs, else AWS_REGION)")
    .addOption(
      new Option(
        "--sigv4",
        "sign API requests even though --api-url is not an execute-api URL (a custom domain)",
      ),
    )
    .addHelpText("after", HELP_AFTER);

  for (const command of [
    submitCommand(run),
    submitManyCommand(run),
    statusCommand(run),
    watchCommand(run),
    listCommand(run),
    retryCommand(run),
    cancelCommand(run),
    typesCommand(run),
    dlqCommand(run),
    consoleCommand(run),
  ]) {
    program.addCommand(command);
  }
  for (const command of [program, ...descendants(program)]) {
    command.showHelpAfterError("(add --help for usage)").configureHelp({ showGlobalOptions: true });
  }
  return program;
}

/** Every command under `command`, at any depth. */
export function descendants(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...descendants(child)]);
}
