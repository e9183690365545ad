import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in API on 127.0.0.1 that records every request and answers `respond`'s status and
 * JSON (by default 200 and an empty task catalog).
 */
export async function startRecordingServer(
  respond: (request: RecordedRequest) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { types: [] },
  }),
) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const answer = respond(recorded);
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    /**
     * A fetch that sends every request, whatever its URL (an https execute-api one), here: the
     * signed headers arrive as they were signed.
     */
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const original = new URL(input instanceof Request ? input.url : input);
      return fetch(`${url}${original.pathname}${original.search}`, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), "x-original-host": original.host },
      });
    }) as typeof fetch,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
