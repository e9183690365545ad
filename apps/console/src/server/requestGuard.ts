import type { IncomingMessage } from "node:http";
import { CONSOLE_HEADER } from "../shared/consoleHeader.js";
import { HttpProblem } from "./http.js";

/**
 * The `Host` values the console answers to: its own address and port. Any other (a DNS name
 * rebound to 127.0.0.1 by a hostile page) is refused, so no other site can reach the server
 * through the browser.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** Refuses a request that does not come to the console's own address. */
export function checkHost(req: IncomingMessage, hosts: ReadonlySet<string>): void {
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.has(host)) {
    throw new HttpProblem({
      status: 421,
      title: "Misdirected request",
      detail: `this console answers only at ${[...hosts].join(", ")}`,
    });
  }
}

/**
 * Refuses a call to the API or the DLQ that does not come from the console's own page: it
 * must carry `x-tasklane-console`, and any `Origin` or `Sec-Fetch-Site` it carries must say
 * same-origin. The calls act with the operator's credentials, so no other page may make them.
 */
export function checkSameOrigin(req: IncomingMessage, hosts: ReadonlySet<string>): void {
  const refuse = (detail: string) => {
    throw new HttpProblem({ status: 403, title: "Forbidden", detail });
  };
  if (req.headers[CONSOLE_HEADER] !== "1") {
    refuse(`calls to the console's API must carry ${CONSOLE_HEADER}: 1`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      const url = new URL(origin);
      originHost = url.protocol === "http:" ? url.host : undefined;
    } catch {
      originHost = undefined;
    }
    if (!originHost || !hosts.has(originHost)) refuse(`requests from ${origin} are not allowed`);
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    refuse(`cross-site requests are not allowed (sec-fetch-site: ${site})`);
  }
}
