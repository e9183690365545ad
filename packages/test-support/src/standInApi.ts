import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StandInAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface StandInApi {
  url: string;
  /** Every request, in the order they arrived. */
  requests: RecordedRequest[];
  /**
   * A fetch that sends every request, whatever its URL (an https execute-api one), here: the
   * signed headers arrive as they were signed, and `x-original-host` names the host it was for.
   */
  fetch: typeof fetch;
  close(): Promise<void>;
}

/** A stand-in HTTP API on 127.0.0.1 that records every request and answers `respond`'s JSON. */
export async function startStandInApi(
  respond: (request: RecordedRequest) => StandInAnswer,
): Promise<StandInApi> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(recorded);
      const answer = respond(recorded);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const original = new URL(input instanceof Request ? input.url : input);
      const headers = new Headers(init?.headers);
      headers.set("x-original-host", original.host);
      return fetch(`${url}${original.pathname}${original.search}`, { ...init, headers });
    }) as typeof fetch,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
