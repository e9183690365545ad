import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiCaller } from "./apiCaller.js";
import { HttpProblem, readBody, SECURITY_HEADERS } from "./http.js";

/**
 * The API routes the console's page may call through the server, and nothing else: the server
 * signs with the operator's credentials, so it forwards only what the console needs.
 */
const PROXIED_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: "GET", path: /^\/tasks$/ },
  { method: "POST", path: /^\/tasks$/ },
  { method: "POST", path: /^\/tasks\/batch$/ },
  { method: "GET", path: /^\/tasks\/[^/]+$/ },
  { method: "DELETE", path: /^\/tasks\/[^/]+$/ },
  { method: "POST", path: /^\/tasks\/[^/]+\/retry$/ },
  { method: "GET", path: /^\/task-types$/ },
];

/** Request headers passed on to the API; the browser's cookies and auth never are. */
const FORWARDED_REQUEST_HEADERS = ["accept", "content-type", "idempotency-key", "x-correlation-id"];

/** Answer headers passed back to the page. */
const FORWARDED_RESPONSE_HEADERS = [
  "content-type",
  "location",
  "retry-after",
  "idempotent-replayed",
  "allow",
  "x-correlation-id",
];

/** API Gateway's own limit on a request body. */
const PROXY_BODY_MAX_BYTES = 10 * 1024 * 1024;

/** Sends `/api/<path>` on to the API as `<path>`, signed, and its answer back as it came. */
export async function proxyToApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  callApi: ApiCaller,
): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.slice("/api".length);
  const routes = PROXIED_ROUTES.filter((route) => route.path.test(path));
  if (routes.length === 0) {
    throw new HttpProblem({
      status: 404,
      title: "Not found",
      detail: `the console does not forward ${path}`,
    });
  }
  if (!routes.some((route) => route.method === method)) {
    throw new HttpProblem({
      status: 405,
      title: "Method not allowed",
      detail: `the console does not forward ${method} ${path}`,
    });
  }
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const body =
    method === "GET" || method === "DELETE"
      ? undefined
      : (await readBody(req, PROXY_BODY_MAX_BYTES)).toString("utf8");

  let answer: Response;
  try {
    answer = await callApi({
      method,
      path,
      search: url.search,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    throw new HttpProblem({
      status: 502,
      title: "The API did not answer",
      detail: `calling the Tasklane API failed: ${describeFailure(error)}`,
    });
  }
  const text = Buffer.from(await answer.arrayBuffer());
  const out: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    "cache-control": "no-store",
    "content-length": text.length,
  };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) out[name] = value;
  }
  res.writeHead(answer.status, out);
  res.end(text);
}

/** A fetch or signing failure in words: fetch hides the network error in `cause`. */
export function describeFailure(error: unknown): string {
  const message = (error as Error | undefined)?.message ?? String(error);
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ? `${message} (${cause.code})` : message;
}
