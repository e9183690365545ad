import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listen, readBody } from "@tasklane/emulators";
import { API_PAYLOAD_MAX_BYTES, LOCAL_ACCOUNT_ID } from "../constants.js";
import { LambdaInvocationError } from "../errors.js";
import { invokeFunction } from "../lambda/invokeFunction.js";
import type { LocalFunction, RequestReport } from "../types.js";
import { toApiGatewayEvent } from "./apiGatewayEvent.js";
import { type ApiResponse, GATEWAY_RESPONSES, toApiResponse } from "./apiGatewayResult.js";
import { identifyCaller, type LocalAuthorizer } from "./callerIdentity.js";
import { type Route, RouteTable } from "./routeTable.js";

export interface HttpApiOptions {
  /** Route keys (`POST /tasks`, `$default`) and the functions that serve them. */
  routes: readonly Route<LocalFunction>[];
  /** 0 picks a free port. */
  port?: number;
  /** The interface to listen on; loopback by default, since the local API verifies no auth. */
  host?: string;
  /**
   * How each request's caller is found (`identifyCaller`), and who calls without an
   * `Authorization` header.
   */
  authorizer: LocalAuthorizer;
  apiId?: string;
  accountId?: string;
  onRequest?: (report: RequestReport) => void;
  /** A function failed (threw, timed out, answered something API Gateway cannot send). */
  onFunctionError?: (fn: LocalFunction, error: LambdaInvocationError) => void;
}

export interface HttpApi {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Closes the server and waits for the invocations it started. */
  stop(): Promise<void>;
}

/**
 * An API Gateway HTTP API in front of local functions: each request is routed by the route
 * table, turned into a payload format 2.0 event and answered with what the function returned,
 * under API Gateway's rules (10 MB request limit, `{"message": ...}` errors: 404 without a route,
 * 413 too large, 500 when the function fails). The caller comes from the `Authorization` header
 * as API Gateway's authorizer would report it, but nothing is verified: a SigV4 request is the
 * user its access key names and a bearer JWT carries its claims, whatever their signatures.
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const host = options.host ?? "127.0.0.1";
  const table = new RouteTable(options.routes);
  const invocations = new Set<Promise<unknown>>();
  let port = 0;

  const server = createServer((request, response) => {
    const handling = handle(request, response).catch(() => {
      if (!response.headersSent) send(response, GATEWAY_RESPONSES.internalError, "");
    });
    invocations.add(handling);
    void handling.finally(() => invocations.delete(handling));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const requestId = randomBytes(10).toString("base64");
    const method = request.method ?? "GET";
    const url = request.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    const finish = (answer: ApiResponse, routeKey?: string) => {
      send(response, answer, requestId);
      const location = answer.headers.find(([name]) => name.toLowerCase() === "location")?.[1];
      options.onRequest?.({
        method,
        path,
        ...(routeKey ? { routeKey } : {}),
        statusCode: answer.statusCode,
        durationMs: Date.now() - receivedAt.getTime(),
        ...(location ? { location } : {}),
      });
    };

    const read = await readBody(request, API_PAYLOAD_MAX_BYTES);
    if (read.tooLarge) return finish(GATEWAY_RESPONSES.tooLarge);
    const match = table.match(method, path);
    if (!match) return finish(GATEWAY_RESPONSES.notFound);

    const fn = match.route.target;
    const identified = identifyCaller(options.authorizer, request.headers.authorization);
    if ("refused" in identified) return finish(identified.refused, match.route.routeKey);
    const event = toApiGatewayEvent(
      {
        method,
        url,
        httpVersion: request.httpVersion,
        rawHeaders: request.rawHeaders,
        sourceIp: (request.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
        port,
        body: read.body,
        receivedAt,
      },
      {
        routeKey: match.route.routeKey,
        ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
        requestId,
        apiId: options.apiId ?? "local",
        accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
        caller: identified.caller,
      },
    );
    let result: unknown;
    try {
      result = await invokeFunction(fn, event);
    } catch (error) {
      if (!(error instanceof LambdaInvocationError)) throw error;
      options.onFunctionError?.(fn, error);
      return finish(gatewayAnswerFor(error), match.route.routeKey);
    }
    const answer = toApiResponse(result);
    if ("invalid" in answer) {
      options.onFunctionError?.(
        fn,
        new LambdaInvocationError("InvalidResponse", answer.invalid, "function"),
      );
      return finish(GATEWAY_RESPONSES.internalError, match.route.routeKey);
    }
    return finish(answer, match.route.routeKey);
  }

  port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    host,
    async stop() {
      await closeServer(server);
      await Promise.allSettled([...invocations]);
    },
  };
}

/** What API Gateway answers when invoking the function failed. */
function gatewayAnswerFor(error: LambdaInvocationError): ApiResponse {
  if (error.origin === "service") {
    if (error.errorType === "RequestEntityTooLargeException") return GATEWAY_RESPONSES.tooLarge;
    if (error.errorType === "ServiceException") return GATEWAY_RESPONSES.unavailable;
  }
  return GATEWAY_RESPONSES.internalError;
}

function send(response: ServerResponse, answer: ApiResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of answer.headers) {
    const previous = headers[name];
    if (name === "set-cookie")
      headers[name] = [...((previous as string[] | undefined) ?? []), value];
    else headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  headers["content-length"] = String(answer.body.byteLength);
  if (requestId) headers["apigw-requestid"] = requestId;
  response.writeHead(answer.statusCode, headers);
  response.end(answer.body);
}
