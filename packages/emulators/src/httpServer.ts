import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PortInUseError } from "./errors.js";

/**
 * Starts `server` on `host:port` (0 picks a free port) and resolves with the port it got.
 *
 * @throws PortInUseError when another process holds the port.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, host) : error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Stops accepting connections, drops the open ones (keep-alive included) and waits. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The request body, or `tooLarge` when it is longer than `maxBytes`. An oversized body is still
 * read to its end (and dropped), so the client gets the answer instead of a broken connection.
 */
export function readBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; tooLarge: false } | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    let tooLarge = declared > maxBytes;
    let received = 0;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on("end", () => {
      resolve(tooLarge ? { tooLarge: true } : { body: Buffer.concat(chunks), tooLarge: false });
    });
    request.on("error", reject);
  });
}
