import { randomBytes } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { RequestCaller } from "./callerIdentity.js";

/** An HTTP request as the local API received it, before API Gateway's translation. */
export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query string, still encoded. */
  url: string;
  httpVersion: string;
  /** Header names and values in the order received (Node's `rawHeaders`). */
  rawHeaders: readonly string[];
  sourceIp: string;
  /** The port the request came in on (`x-forwarded-port`). */
  port: number;
  body: Buffer;
  receivedAt: Date;
}

export interface ApiEventContext {
  routeKey: string;
  pathParameters?: Record<string, string>;
  requestId: string;
  apiId: string;
  accountId: string;
  /** Who is calling, as the authorizer found it (`identifyCaller`). */
  caller: RequestCaller;
}

/**
 * Media types API Gateway passes as text; any other body (or a body without a content type)
 * reaches the function base64-encoded, with `isBase64Encoded` set.
 */
const TEXT_MEDIA_TYPE =
  /^(?:text\/[\w.+-]+|application\/(?:[\w.-]+\+)?(?:json|xml)|application\/javascript)$/i;

/**
 * The API Gateway HTTP API event (payload format 2.0) for a request: header names lower-cased
 * and repeated headers joined with commas, cookies apart, the raw path and query string with
 * their decoded parameters, the body as text or base64, and the request context with the
 * authorizer's identity.
 */
export function toApiGatewayEvent(
  request: ReceivedRequest,
  context: ApiEventContext,
): APIGatewayProxyEventV2 {
  const queryAt = request.url.indexOf("?");
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? "" : request.url.slice(queryAt + 1);
  const { headers, cookies } = readHeaders(request.rawHeaders);
  Object.assign(headers, {
    "x-forwarded-for": request.sourceIp,
    "x-forwarded-port": String(request.port),
    "x-forwarded-proto": "http",
    "x-amzn-trace-id": traceId(request.receivedAt),
  });
  const queryStringParameters = parseQuery(rawQueryString);
  const mediaType = (headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
  const isBase64Encoded = request.body.byteLength > 0 && !TEXT_MEDIA_TYPE.test(mediaType);
  const host = (headers.host ?? "localhost").replace(/:\d+$/, "");

  return {
    version: "2.0",
    routeKey: context.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...authorizerBlock(context.caller),
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: "$default",
      time: apiGatewayTime(request.receivedAt),
      timeEpoch: request.receivedAt.getTime(),
    },
    ...(request.body.byteLength > 0
      ? { body: request.body.toString(isBase64Encoded ? "base64" : "utf8") }
      : {}),
    ...(context.pathParameters ? { pathParameters: context.pathParameters } : {}),
    isBase64Encoded,
  } as APIGatewayProxyEventV2;
}

function readHeaders(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    const value = rawHeaders[i + 1] ?? "";
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Decoded query parameters, repeated names joined with commas; `undefined` without a query. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

function authorizerBlock(caller: RequestCaller) {
  switch (caller.kind) {
    case "iam":
      return { authorizer: { iam: { ...caller.iam } } };
    case "jwt":
      return { authorizer: { jwt: { claims: caller.claims, scopes: caller.scopes } } };
    case "none":
      return {};
  }
}

/** `25/Nov/2026:10:00:00 +0000`, the format of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/.exec(
    date.toUTCString(),
  ) ?? ["", "01", "Jan", "1970", "00:00:00"];
  return `${day}/${month}/${year}:${time} +0000`;
}

/** An X-Ray trace header, which API Gateway adds to every request it forwards. */
function traceId(date: Date): string {
  const epoch = Math.floor(date.getTime() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")}`;
}
