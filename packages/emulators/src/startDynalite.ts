import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { EmulatorError, PortInUseError } from "./errors.js";

/** dynalite, in memory, in a process of its own. */
export interface Dynalite {
  /** What `AWS_ENDPOINT_URL_DYNAMODB` points at: `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Ends the process, and with it every table. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite in a child process (`bin/dynalite-server.js`), with tables that are ACTIVE as
 * soon as created. In the caller's process it would share one thread with every handler and
 * emulator, and each table write costs it more than an S3 put costs fauxqs; its own process puts
 * it on the machine's second core. The child exits when its parent does.
 *
 * @throws PortInUseError when `port` is taken.
 */
export async function startDynalite(
  options: { port?: number; host?: string } = {},
): Promise<Dynalite> {
  const port = options.port ?? 0;
  const host = options.host ?? "127.0.0.1";
  const script = fileURLToPath(new URL("../bin/dynalite-server.js", import.meta.url));
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
    throw new EmulatorError(`dynalite did not start: ${message.error}`);
  }
  return { url: `http://${host}:${message.port}`, port: message.port, stop };
}
