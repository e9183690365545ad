import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTaskTable, startDynalite } from "@tasklane/emulators";

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

/**
 * The stack's tasks table in dynalite (in a process of its own, in memory), created from
 * `taskTableDefinition`: the same keys, indexes and projections the Pulumi program deploys.
 * dynalite has no TTL API, so expired records stay until the runtime stops.
 *
 * @throws PortInUseError when `port` is taken.
 */
export async function startLocalTable(options: LocalTableOptions): Promise<LocalTable> {
  const server = await startDynalite({
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
  });
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: server.url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    await createTaskTable(client, options.tableName);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    url: server.url,
    port: server.port,
    tableName: options.tableName,
    stop: () => server.stop(),
  };
}
