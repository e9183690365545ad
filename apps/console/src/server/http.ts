import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers on every answer: nothing may frame, sniff or script the console from elsewhere. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** An RFC 9457 problem, as the console's own routes answer errors (as the API does). */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** A request the console refuses or cannot serve; the handler turns it into a problem answer. */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

export function sendProblem(res: ServerResponse, problem: Problem): void {
  const text = JSON.stringify({ type: "about:blank", ...problem });
  sendText(res, problem.status, "application/problem+json; charset=utf-8", text);
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": contentType,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The request's body, refused past `limitBytes` (413) before it is all read. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request's body as a JSON object (400 when it is not one). */
export async function readJsonObject(
  req: IncomingMessage,
  limitBytes: number,
): Promise<Record<string, unknown>> {
  const text = (await readBody(req, limitBytes)).toString("utf8");
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    throw new HttpProblem({ status: 400, title: "Bad request", detail: "the body is not JSON" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpProblem({
      status: 400,
      title: "Bad request",
      detail: "the body must be a JSON object",
    });
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(limitBytes: number): HttpProblem {
  return new HttpProblem({
    status: 413,
    title: "Request too large",
    detail: `the body is over ${limitBytes} bytes`,
  });
}
