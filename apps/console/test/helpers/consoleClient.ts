import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

/**
 * A stand-in Tasklane API on 127.0.0.1 that records each request and answers `respond`. Its
 * `fetch` sends any URL (an https execute-api one) here, so signed requests arrive as signed.
 */
export async function startStandInApi(
  respond: (request: RecordedRequest) => StandInAnswer = () => ({
    status: 200,
    body: { tasks: [] },
  }),
) {
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
      return fetch(`${url}${original.pathname}${original.search}`, init);
    }) as typeof fetch,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A folder holding a stand-in built app: `index.html` and `app.js`. */
export async function standInApp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tasklane-console-app-"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>console</title>");
  await writeFile(join(dir, "app.js"), "console.log('app');");
  return dir;
}

/** Calls the console as its page does: same origin, with the console's header. */
export function pageCall(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, base), {
    ...init,
    headers: { "x-tasklane-console": "1", ...(init.headers as Record<string, string>) },
  });
}
