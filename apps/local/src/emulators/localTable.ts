import { fork } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { taskTableDefinition } from "@tasklane/shared-task";
import { LocalRuntimeError, PortInUseError } from "../errors.js";

export interface LocalTableOptions {
  /** The stack's table name, as the Pulumi program names it. */
  tableName: string;
  region: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
}

export interface LocalTable {
  /** The DynamoDB endpoint, `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_DYNAMODB` points at. */
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  /** Closes the endpoint and drops the table (it lives in memory). */
  stop(): Promise<void>;
}

/** How long a new table may stay CREATING before the start is given up. */
const ACTIVE_TIMEOUT_MS = 10_000;

/**
 * The stack's tasks table in dynalite, in this process and in memory, created from
 * `taskTableDefinition`: the same keys, indexes and projections the Pulumi program deploys.
 * dynalite has no TTL API (it answers `UpdateTimeToLive` with `UnknownOperationException`), so
 * the TTL attribute is not enabled and expired records stay until the runtime stops.
 *
 * @throws PortInUseError when `port` is taken.
 */
export async function startLocalTable(options: LocalTableOptions): Promise<LocalTable> {
  const host = options.host ?? "127.0.0.1";
  const server = await startDynaliteProcess(options.port ?? 0, host);
  const url = `http://${host}:${server.port}`;
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    await client.send(new CreateTableCommand(taskTableDefinition(options.tableName)));
    await untilActive(client, options.tableName);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { url, port: server.port, tableName: options.tableName, stop: () => server.stop() };
}

/**
 * dynalite in a child process (`bin/dynalite-server.js`): in the runtime's own process it would
 * share one thread with every handler and emulator, and each table write costs it more than an
 * S3 put costs fauxqs. Its own process puts it on the machine's second core.
 */
async function startDynaliteProcess(
  port: number,
  host: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL("../../bin/dynalite-server.js", import.meta.url));
  const child = fork(script, [String(port), host], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill();
    await exited;
  };
  const [message] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(() => [{ error: "dynalite exited before it listened" }]),
  ])) as [{ port?: number; error?: string }];
  if (message.port === undefined) {
    await stop();
    if (message.error === "EADDRINUSE") throw new PortInUseError(port, host);
    throw new LocalRuntimeError(`dynalite did not start: ${message.error}`);
  }
  return { port: message.port, stop };
}

/** Waits until the table and every index are ACTIVE, as a deployed stack's are. */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === "ACTIVE" && indexes.every((i) => i.IndexStatus === "ACTIVE")) {
      return;
    }
    if (Date.now() > deadline) {
      throw new LocalRuntimeError(`the local table ${tableName} did not become ACTIVE`);
    }
    await sleep(5);
  }
}
