import { randomUUID } from "node:crypto";
import { lambdaContext } from "@tasklane/test-support";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";

export const CALLER_ARN = "arn:aws:sts::123456789012:assumed-role/TasklaneClient/session-1";
/** The owner `CALLER_ARN`'s tasks get: the assumed role without its session name. */
export const CALLER = "arn:aws:sts::123456789012:assumed-role/TasklaneClient";

/** The authorizer of a JWT caller (an HTTP API JWT authorizer), with the scopes given. */
export function jwtAuthorizer(subject: string, scopes: string[] = []) {
  return {
    jwt: {
      claims: { iss: "https://auth.example.com", sub: subject, scope: scopes.join(" ") },
      scopes,
    },
  };
}

/** An API Gateway HTTP API (payload 2.0) event, as API Gateway sends it with IAM auth. */
export function apiEvent(options: {
  routeKey: string;
  path?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  callerArn?: string;
  /** The whole `requestContext.authorizer` (a JWT caller's); overrides `callerArn`. */
  authorizer?: Record<string, unknown>;
}): APIGatewayProxyEventV2 {
  const [method = "GET", template = "/"] =
    options.routeKey === "$default" ? ["GET", "/"] : options.routeKey.split(" ");
  const path = options.path ?? template;
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers = { "content-type": "application/json", ...options.headers };
  return {
    version: "2.0",
    routeKey: options.routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: options.authorizer ?? { iam: { userArn: options.callerArn ?? CALLER_ARN } },
    } as APIGatewayProxyEventV2["requestContext"],
  };
}

/** The event of a route on one task (`GET /tasks/{id}`, `POST /tasks/{id}/retry`, ...) for task `id`. */
export function taskEvent(
  routeKey: string,
  id: string,
  options: Omit<Parameters<typeof apiEvent>[0], "routeKey" | "path" | "pathParameters"> = {},
): APIGatewayProxyEventV2 {
  const template = routeKey.split(" ")[1] ?? "/";
  return apiEvent({
    routeKey,
    path: template.replace("{id}", id),
    pathParameters: { id },
    ...options,
  });
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Calls a handler and parses its JSON body. */
export async function call(handler: ApiHandler, event: APIGatewayProxyEventV2) {
  const response = await handler(event, lambdaContext());
  const contentType = String(response.headers?.["content-type"] ?? "");
  return {
    status: response.statusCode ?? 200,
    headers: response.headers ?? {},
    contentType,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
    body: (response.body ? JSON.parse(response.body) : undefined) as any,
  };
}

export { lambdaContext };
