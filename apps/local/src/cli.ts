import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { TASK_TABLE } from "@tasklane/shared-task";
import { StackConfigError } from "@tasklane/stack-config";
import { DEFAULT_API_PORT, DEFAULT_LOCAL_CONSOLE_PORT } from "./constants.js";
import { DISCOVERY_FILE, removeDiscoveryFile, writeDiscoveryFile } from "./discoveryFile.js";
import { EmulatorError, LocalRuntimeError, PortInUseError } from "./errors.js";
import type { HandlerLogLevel } from "./lambda/handlerEnvironment.js";
import { RuntimeLog } from "./runtimeLog.js";
import { type LocalRuntime, startLocalRuntime } from "./startLocalRuntime.js";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: pnpm dev [-- options]   (or: node apps/local/bin/tasklane-local.js [options])

Runs the whole Tasklane pipeline on this machine (HTTP API -> producer -> DynamoDB and SQS ->
consumer -> Step Functions -> step functions -> DynamoDB and S3) with the real Lambda handlers,
no AWS account, no Docker.

Options:
  --port <n>              port of the HTTP API (default: $PORT, else ${DEFAULT_API_PORT}; 0 picks a free one)
  --console-port <n>      port of the web console (default: ${DEFAULT_LOCAL_CONSOLE_PORT}; 0 picks a free one)
  --no-console            do not serve the web console
  --host <address>        interface the API listens on (default 127.0.0.1: the local API verifies no auth)
  --from-source           build the handlers from their TypeScript sources with esbuild and rebuild
                          them on change, instead of running the built bundles (apps/*/dist)
  --stack <name>          the stack config to read, Pulumi.<name>.yaml (default: dev)
  --handler-logs <level>  the handlers' own log level: debug, info, warn, error or silent (default: error)
  --quiet                 log only failures, not every request and task transition
  -h, --help              show this help
`;

const LOG_LEVELS: Record<string, HandlerLogLevel> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  silent: "SILENT",
};

/** Exit codes: 0 stopped cleanly, 1 could not start, 2 bad usage. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * `tasklane-local`: starts the local runtime, prints where everything is and a curl to try, logs
 * each task's transitions one line each, and stops cleanly on Ctrl-C or SIGTERM (or when
 * `stopSignal` aborts). Resolves with the process's exit code.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
  stopSignal?: AbortSignal,
): Promise<number> {
  const parsed = parseCliArgs(argv, io.env);
  if ("error" in parsed) {
    io.stderr.write(`tasklane-local: ${parsed.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }

  const log = new RuntimeLog({ quiet: parsed.quiet });
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: parsed.port,
      host: parsed.host,
      stack: parsed.stack,
      handlers: parsed.fromSource ? "source" : "bundles",
      watch: parsed.fromSource,
      handlerLogLevel: parsed.handlerLogLevel,
      console: parsed.consolePort === undefined ? false : { port: parsed.consolePort },
      onEvent: (event) => {
        const line = log.format(event);
        if (line !== undefined) io.stdout.write(`${line}\n`);
      },
    });
  } catch (error) {
    io.stderr.write(`tasklane-local: ${startFailure(error, parsed.port)}\n`);
    return EXIT.failed;
  }

  io.stdout.write(banner(runtime, parsed.host, parsed.fromSource));
  // Tools such as `pnpm tasklane` find this runtime through the file, with no flags.
  const repoRoot = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  await writeDiscoveryFile(repoRoot, runtime).catch((error: unknown) => {
    io.stderr.write(`tasklane-local: could not write ${DISCOVERY_FILE}: ${String(error)}\n`);
  });
  await untilStopRequested(stopSignal);
  await removeDiscoveryFile(repoRoot).catch(() => undefined);
  io.stdout.write("stopping…\n");
  // A second Ctrl-C while stopping means: now.
  const interrupted = () => {
    io.stderr.write("tasklane-local: interrupted while stopping\n");
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  try {
    await runtime.stop();
  } finally {
    process.off("SIGINT", interrupted);
  }
  io.stdout.write("stopped.\n");
  return EXIT.ok;
}

interface CliArgs {
  port: number;
  /** `undefined`: no console. */
  consolePort: number | undefined;
  host: string;
  stack: string;
  fromSource: boolean;
  handlerLogLevel: HandlerLogLevel;
  quiet: boolean;
  help: boolean;
}

function parseCliArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): CliArgs | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        "console-port": { type: "string", default: String(DEFAULT_LOCAL_CONSOLE_PORT) },
        "no-console": { type: "boolean", default: false },
        host: { type: "string", default: "127.0.0.1" },
        stack: { type: "string", default: "dev" },
        "from-source": { type: "boolean", default: false },
        "handler-logs": { type: "string", default: "error" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  const portText = (values.port as string | undefined) ?? env.PORT ?? String(DEFAULT_API_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText.trim()) || port > 65_535) {
    const from = values.port !== undefined ? "--port" : "PORT";
    return {
      error: `${from} must be a whole number from 0 to 65535, got ${JSON.stringify(portText)}`,
    };
  }
  const consoleText = String(values["console-port"]);
  const consolePort = Number(consoleText);
  if (!/^\d+$/.test(consoleText.trim()) || consolePort > 65_535) {
    return {
      error: `--console-port must be a whole number from 0 to 65535, got ${JSON.stringify(consoleText)}`,
    };
  }
  const level = LOG_LEVELS[String(values["handler-logs"]).toLowerCase()];
  if (!level) {
    return {
      error: `--handler-logs must be one of ${Object.keys(LOG_LEVELS).join(", ")}, got ${JSON.stringify(values["handler-logs"])}`,
    };
  }
  return {
    port,
    consolePort: values["no-console"] === true ? undefined : consolePort,
    host: values.host as string,
    stack: values.stack as string,
    fromSource: values["from-source"] === true,
    handlerLogLevel: level,
    quiet: values.quiet === true,
    help: values.help === true,
  };
}

function startFailure(error: unknown, port: number): string {
  if (error instanceof PortInUseError) {
    return `${error.message}. Stop whatever is using it, or pick another port: pnpm dev --port ${port + 1} (or PORT=${port + 1} pnpm dev).`;
  }
  if (
    error instanceof LocalRuntimeError ||
    error instanceof EmulatorError ||
    error instanceof StackConfigError
  ) {
    return error.message;
  }
  return `could not start: ${(error as Error)?.stack ?? String(error)}`;
}

/** What `pnpm dev` prints once it is ready: where everything is, and what to try. */
export function banner(runtime: LocalRuntime, host: string, fromSource: boolean): string {
  const api = host === "127.0.0.1" ? `http://localhost:${runtime.apiPort}` : runtime.apiUrl;
  const { queue } = runtime.config;
  const queueName = runtime.queueUrl.split("/").at(-1) ?? runtime.queueUrl;
  const dlqName = runtime.dlqUrl.split("/").at(-1) ?? runtime.dlqUrl;
  const handlers = fromSource
    ? "built from the TypeScript sources, rebuilt on change"
    : "the built bundles (apps/*/dist)";
  const body = JSON.stringify({ type: "echo", input: { hello: "world" } });
  const auth = {
    iam: "signatures not checked: a SigV4 request is the user its access key names, else tasklane-local",
    jwt: "tokens not verified: a bearer JWT's claims are the caller, else a local default",
    none: "no auth",
  }[runtime.config.api.auth];
  return `Tasklane local runtime: stack ${runtime.stack} (${runtime.region}), handlers from ${handlers}

  API             ${api}   (api.auth ${runtime.config.api.auth}: ${auth})
${runtime.consoleUrl ? `  Console         ${runtime.consoleUrl}   (the web console: tasks, submit, dead letters, overview)\n` : ""}
  SQS and S3      ${runtime.fauxqsUrl}   (fauxqs, in memory)
  DynamoDB        ${runtime.dynamodbUrl}   (dynalite, in memory)
  Step Functions  ${runtime.stepFunctions.url}
  Queue           ${queueName} -> ${dlqName} after ${queue.maxReceiveCount} receives
  Table           ${runtime.tableName}   (indexes ${Object.keys(TASK_TABLE.indexes).join(", ")})
  Buckets         ${runtime.buckets.payloads}, ${runtime.buckets.results}

Submit a task, then read it back with the id it answers:
  curl -s -X POST ${api}/tasks -H 'content-type: application/json' -d '${body}'
  curl -s ${api}/tasks/<id>
See the queue and the DLQ (ready, in flight, delayed):
  curl -s ${runtime.fauxqsUrl}/_fauxqs/queues
Or, from another terminal in this repository, the CLI (it finds this runtime by itself):
  pnpm tasklane submit echo --input '{"hello":"world"}' --wait
  pnpm tasklane dlq list

Task transitions are logged below. Ctrl-C stops.

`;
}

/** Resolves on SIGINT, SIGTERM or `stopSignal`. */
function untilStopRequested(stopSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      stopSignal?.removeEventListener("abort", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (stopSignal?.aborted) stop();
    else stopSignal?.addEventListener("abort", stop, { once: true });
  });
}
