import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { HttpProblem, problems } from "./problem.js";

/** `application/json`, or any `application/*+json` such as `application/merge-patch+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // HTTP APIs lower-case header names in payload format 2.0.
  return event.headers?.[name.toLowerCase()];
}

/**
 * The request body parsed as JSON, after checking its media type and size. Every refusal is an
 * `HttpProblem`: 415 for a body that is not JSON, 413 over `maxBytes`, 400 when it does not parse.
 */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  const contentType = header(event, "content-type");
  const [mediaType = "", ...parameters] = (contentType ?? "").split(";").map((p) => p.trim());
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HttpProblem(problems.unsupportedMediaType(contentType));
  }
  const charset = parameters.find((p) => p.toLowerCase().startsWith("charset="))?.slice(8);
  if (charset && !/^"?utf-8"?$/i.test(charset)) {
    throw new HttpProblem(problems.unsupportedMediaType(contentType));
  }
  const raw = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  if (raw.byteLength > maxBytes) {
    throw new HttpProblem(problems.payloadTooLarge(raw.byteLength, maxBytes));
  }
  const text = raw.toString("utf8");
  if (text.trim() === "")
    throw new HttpProblem(problems.malformedJson("the request body is empty"));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpProblem(
      problems.malformedJson(`the body is not valid JSON: ${(error as Error).message}`),
    );
  }
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Who is calling, for idempotency keys: the IAM principal (an assumed role without its session
 * name, so a key survives re-authentication), or the JWT issuer and subject, or `anonymous` on
 * an API without auth.
 */
export function callerIdentity(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  const iam = authorizer?.iam as { userArn?: string } | undefined;
  if (iam?.userArn) {
    return iam.userArn.replace(/^(arn:aws[\w-]*:sts::\d{12}:assumed-role\/[^/]+)\/.*$/, "$1");
  }
  const claims = (authorizer?.jwt as { claims?: Record<string, unknown> } | undefined)?.claims;
  if (claims?.sub) return `jwt:${String(claims.iss ?? "")}:${String(claims.sub)}`;
  return "anonymous";
}

/** The path parameter `id`, which the route guarantees is present. */
export function pathId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.id ?? "";
}
