import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** An in-process, in-memory dynalite. */
export interface Dynalite {
  /** What `AWS_ENDPOINT_URL_DYNAMODB` points at: `http://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts dynalite on a free loopback port, with tables that are ACTIVE as soon as created. */
export async function startDynalite(): Promise<Dynalite> {
  const server = loadDynalite()({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const require = createRequire(import.meta.url);

/** dynalite's one export (it ships no types): a DynamoDB server, its store in memory. */
type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

function loadDynalite(): DynaliteFactory {
  return require("dynalite") as DynaliteFactory;
}
