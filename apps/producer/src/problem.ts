import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/**
 * An RFC 9457 problem. `type` identifies the kind of problem (a stable URI; these `tag:` URIs
 * are identifiers, not links) and extension members carry the details, such as `errors`.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

const TYPE_PREFIX = "tag:tasklane.dev,2026:problem/";

export const PROBLEM_TYPES = {
  malformedJson: `${TYPE_PREFIX}malformed-json`,
  validation: `${TYPE_PREFIX}validation-failed`,
  unsupportedMediaType: `${TYPE_PREFIX}unsupported-media-type`,
  payloadTooLarge: `${TYPE_PREFIX}payload-too-large`,
  notFound: `${TYPE_PREFIX}not-found`,
  methodNotAllowed: `${TYPE_PREFIX}method-not-allowed`,
  conflict: `${TYPE_PREFIX}conflict`,
  batchRejected: `${TYPE_PREFIX}batch-rejected`,
  badRequest: `${TYPE_PREFIX}bad-request`,
  unavailable: `${TYPE_PREFIX}service-unavailable`,
  internal: `${TYPE_PREFIX}internal-error`,
} as const;

/** One failing field of a request: `input.text`, and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** Thrown anywhere under a route handler; the handler turns it into the problem response. */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

/** A problem of the fields in `errors`, each named in `detail` too, for clients that show only it. */
function fieldsProblem(type: string, title: string, status: number, errors: FieldError[]): Problem {
  return {
    type,
    title,
    status,
    detail: errors.map((e) => `\`${e.path}\`: ${e.message}`).join("; "),
    errors,
  };
}

export const problems = {
  malformedJson: (detail: string): Problem => ({
    type: PROBLEM_TYPES.malformedJson,
    title: "Malformed JSON",
    status: 400,
    detail,
  }),
  /** JSON that parses but that the API does not take: too deep, ill-formed Unicode, Infinity. */
  malformedJsonFields: (errors: FieldError[]): Problem =>
    fieldsProblem(PROBLEM_TYPES.malformedJson, "Malformed JSON", 400, errors),
  badRequest: (detail: string, errors?: FieldError[]): Problem => ({
    type: PROBLEM_TYPES.badRequest,
    title: "Bad request",
    status: 400,
    detail,
    ...(errors ? { errors } : {}),
  }),
  validation: (errors: FieldError[]): Problem =>
    fieldsProblem(PROBLEM_TYPES.validation, "The request does not match the schema", 422, errors),
  unsupportedMediaType: (contentType: string | undefined): Problem => ({
    type: PROBLEM_TYPES.unsupportedMediaType,
    title: "Unsupported media type",
    status: 415,
    detail: `send the body as JSON with \`Content-Type: application/json\`; got ${contentType ? `\`${contentType}\`` : "no Content-Type"}`,
  }),
  payloadTooLarge: (bytes: number, limit: number): Problem => ({
    type: PROBLEM_TYPES.payloadTooLarge,
    title: "Payload too large",
    status: 413,
    detail: `the body is ${bytes} bytes; the limit is ${limit} bytes (store large data in S3 and send its key)`,
    limit,
  }),
  notFound: (detail: string): Problem => ({
    type: PROBLEM_TYPES.notFound,
    title: "Not found",
    status: 404,
    detail,
  }),
  methodNotAllowed: (method: string, path: string, allow: readonly string[]): Problem => ({
    type: PROBLEM_TYPES.methodNotAllowed,
    title: "Method not allowed",
    status: 405,
    detail: `${method} is not allowed on ${path}; allowed: ${allow.join(", ")}`,
  }),
  conflict: (detail: string, extensions: Record<string, unknown> = {}): Problem => ({
    type: PROBLEM_TYPES.conflict,
    title: "Conflict",
    status: 409,
    detail,
    ...extensions,
  }),
  /**
   * No task of a batch was accepted. `results` holds each item's own problem; the status is 503
   * when any item may pass if sent again, else 422 when any failed validation, else 409.
   */
  batchRejected: (results: { index: number; error: Problem }[]): Problem => {
    const statuses = new Set(results.map((r) => r.error.status));
    const status = statuses.has(503) ? 503 : statuses.has(422) ? 422 : 409;
    return {
      type: PROBLEM_TYPES.batchRejected,
      title: "No task of the batch was accepted",
      status,
      detail: `none of the ${results.length} tasks was accepted; \`results\` has each one's problem`,
      accepted: 0,
      rejected: results.length,
      results,
    };
  },
  unavailable: (detail: string): Problem => ({
    type: PROBLEM_TYPES.unavailable,
    title: "Service unavailable",
    status: 503,
    detail,
  }),
  internal: (requestId: string): Problem => ({
    type: PROBLEM_TYPES.internal,
    title: "Internal error",
    status: 500,
    detail: `the request failed unexpectedly; quote request id ${requestId} when reporting it`,
    requestId,
  }),
};

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { "content-type": "application/problem+json", ...headers },
    body: JSON.stringify(problem),
  };
}
