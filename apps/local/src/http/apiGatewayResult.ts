/** An HTTP response the local API sends. */
export interface ApiResponse {
  statusCode: number;
  /** Header names and values; `set-cookie` may repeat. */
  headers: [string, string][];
  body: Buffer;
}

/** Why a function's answer could not become a response (API Gateway then answers 500). */
export interface InvalidResult {
  invalid: string;
}

/** API Gateway's own answers, with its `{"message": ...}` bodies. */
export const GATEWAY_RESPONSES = {
  notFound: gatewayResponse(404, "Not Found"),
  tooLarge: gatewayResponse(413, "Request Entity Too Large"),
  internalError: gatewayResponse(500, "Internal Server Error"),
  unavailable: gatewayResponse(503, "Service Unavailable"),
} as const;

function gatewayResponse(statusCode: number, message: string): ApiResponse {
  return {
    statusCode,
    headers: [["content-type", "application/json"]],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/**
 * The HTTP response for what a function returned, by the payload format 2.0 rules: an object
 * with a `statusCode` is a structured response (`headers`, `cookies` as `Set-Cookie`, a string
 * `body`, base64 when `isBase64Encoded`); anything else is a 200 `application/json` response
 * whose body is the result (a string as it is, other values as JSON).
 */
export function toApiResponse(result: unknown): ApiResponse | InvalidResult {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    const body = typeof result === "string" ? result : JSON.stringify(result);
    return {
      statusCode: 200,
      headers: [["content-type", "application/json"]],
      body: Buffer.from(body),
    };
  }
  const structured = result as {
    statusCode: unknown;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const { statusCode } = structured;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode)) {
    return { invalid: "`statusCode` is not a whole number" };
  }
  if (statusCode < 100 || statusCode > 599) {
    return { invalid: `\`statusCode\` ${statusCode} is not an HTTP status` };
  }
  if (structured.body !== undefined && structured.body !== null) {
    if (typeof structured.body !== "string") return { invalid: "`body` is not a string" };
  }
  const headers: [string, string][] = [];
  if (structured.headers !== undefined && structured.headers !== null) {
    if (typeof structured.headers !== "object") return { invalid: "`headers` is not an object" };
    for (const [name, value] of Object.entries(structured.headers)) {
      if (value === undefined || value === null) continue;
      if (typeof value === "object") return { invalid: `header \`${name}\` is not a string` };
      headers.push([name.toLowerCase(), String(value)]);
    }
  }
  if (structured.cookies !== undefined && structured.cookies !== null) {
    if (!Array.isArray(structured.cookies)) return { invalid: "`cookies` is not a list" };
    for (const cookie of structured.cookies) headers.push(["set-cookie", String(cookie)]);
  }
  const text = (structured.body as string | undefined | null) ?? "";
  return {
    statusCode,
    headers,
    body: Buffer.from(text, structured.isBase64Encoded === true ? "base64" : "utf8"),
  };
}
