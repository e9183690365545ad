import { once } from "node:events";
import {
  ConsolePortInUseError,
  type ConsoleServer,
  DEFAULT_CONSOLE_PORT,
  startConsoleServer,
} from "@tasklane/console";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { UsageError } from "../errors.js";
import { wholeNumber } from "../optionParsers.js";
import { requireApiUrl } from "../target/resolveTarget.js";

interface ConsoleOptions {
  port: number;
}

/** `tasklane console`: the web console on 127.0.0.1, against the target, until Ctrl-C. */
export function consoleCommand(run: CommandRunner): Command {
  return new Command("console")
    .description("serve the web console on this machine, against the target, until Ctrl-C")
    .option(
      "--port <n>",
      "the port to listen on (0 picks a free one)",
      wholeNumber(0, 65_535),
      DEFAULT_CONSOLE_PORT,
    )
    .addHelpText(
      "after",
      `
The console is a page to see, submit, retry and cancel tasks and to redrive or purge the DLQ.
It listens on 127.0.0.1 only. Its server signs the API and SQS calls with SigV4 from the standard
AWS credential chain, as the other commands do: the credentials never reach the browser.
--json prints { url, target } once it listens. Ctrl-C stops it (exit 0).`,
    )
    .action(
      run<ConsoleOptions>(async (ctx, _args, options) => {
        const target = await ctx.resolveTarget();
        const apiUrl = requireApiUrl(target);
        if ((target.signApi || !target.sqsEndpoint) && !target.region) {
          throw new UsageError(`cannot tell the region of ${apiUrl} and the queues`, {
            fix: "give it with --region or AWS_REGION",
          });
        }
        let server: ConsoleServer;
        try {
          server = await startConsoleServer({
            target: {
              apiUrl,
              description: target.description,
              signApi: target.signApi,
              ...(target.region ? { region: target.region } : {}),
              ...(target.queueUrl ? { queueUrl: target.queueUrl } : {}),
              ...(target.dlqUrl ? { dlqUrl: target.dlqUrl } : {}),
              ...(target.sqsEndpoint ? { sqsEndpoint: target.sqsEndpoint } : {}),
            },
            port: options.port,
          });
        } catch (error) {
          if (error instanceof ConsolePortInUseError) {
            throw new UsageError(`port ${options.port} is in use`, {
              fix: "give another with --port <n> (0 picks a free one)",
              cause: error,
            });
          }
          throw error;
        }
        ctx.output.document({ url: server.url, target: target.description });
        ctx.output.line(`Tasklane console for ${target.description}:`);
        ctx.output.line(`  ${server.url}`);
        ctx.output.line("Ctrl-C stops it.");
        const { signal } = ctx.io;
        if (signal && !signal.aborted) await once(signal, "abort");
        else if (!signal) await new Promise<never>(() => undefined);
        await server.stop();
        return EXIT_CODES.ok;
      }),
    );
}
