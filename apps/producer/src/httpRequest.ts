import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  escapeLoneSurrogates,
  findExcessiveNesting,
  findIllFormedValue,
  firstInvalidUtf8Byte,
  isWellFormed,
  MAX_JSON_DEPTH,
} from "./jsonBodyBounds.js";
import { HttpProblem, problems } from "./problem.js";

/** `application/json`, or any `application/*+json` such as `application/merge-patch+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // HTTP APIs lower-case header names in payload format 2.0.
  return event.headers?.[name.toLowerCase()];
}

/**
 * The request body parsed as JSON, after checking its media type and size. Every refusal is an
 * `HttpProblem`: 415 for a body that is not JSON, 413 over `maxBytes`, 400 when it is not UTF-8,
 * does not parse, nests arrays and objects deeper than `MAX_JSON_DEPTH`, holds a string (or key)
 * that is not well-formed Unicode, or a number too large for a double; those last three name the
 * field.
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
  const text = bodyText(event, maxBytes);
  if (text.trim() === "")
    throw new HttpProblem(problems.malformedJson("the request body is empty"));
  if (text.charCodeAt(0) === 0xfeff) {
    throw new HttpProblem(
      problems.malformedJson(
        "the body starts with a byte order mark (U+FEFF); send JSON without one",
      ),
    );
  }
  // Before parsing, and without recursion: nothing after this point meets a deeper value.
  const tooDeep = findExcessiveNesting(text, MAX_JSON_DEPTH);
  if (tooDeep) throw new HttpProblem(problems.malformedJsonFields([tooDeep]));
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpProblem(
      // V8 quotes the offending code unit, which may be half of a surrogate pair.
      problems.malformedJson(
        `the body is not valid JSON: ${escapeLoneSurrogates((error as Error).message)}`,
      ),
    );
  }
  const illFormed = findIllFormedValue(value);
  if (illFormed) throw new HttpProblem(problems.malformedJsonFields([illFormed]));
  return value;
}

/**
 * The body as text, refused over `maxBytes` (counted as UTF-8 bytes). A text body that is
 * well-formed Unicode is its own UTF-8 decoding, so only a base64 body is decoded.
 */
function bodyText(event: APIGatewayProxyEventV2, maxBytes: number): string {
  const body = event.body ?? "";
  if (!event.isBase64Encoded) {
    if (!isWellFormed(body)) {
      // Text that no UTF-8 bytes decode to; encoding it would silently replace the lone surrogate.
      throw new HttpProblem(problems.malformedJson("the body is not well-formed Unicode text"));
    }
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > maxBytes) throw new HttpProblem(problems.payloadTooLarge(bytes, maxBytes));
    return body;
  }
  const raw = Buffer.from(body, "base64");
  if (raw.byteLength > maxBytes) {
    throw new HttpProblem(problems.payloadTooLarge(raw.byteLength, maxBytes));
  }
  return decodeUtf8(raw);
}

/** The bytes as text; bytes that are not UTF-8 are refused, never replaced with U+FFFD. */
function decodeUtf8(raw: Buffer): string {
  try {
    // ignoreBOM keeps a leading byte order mark in the text, for readJsonBody to refuse.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    const offset = firstInvalidUtf8Byte(raw) ?? raw.byteLength;
    throw new HttpProblem(
      problems.malformedJson(
        offset >= raw.byteLength
          ? "the body is not valid UTF-8: it ends inside a multi-byte sequence"
          : `the body is not valid UTF-8: byte 0x${(raw[offset] ?? 0).toString(16).padStart(2, "0")} at offset ${offset} is not part of a valid sequence`,
      ),
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
