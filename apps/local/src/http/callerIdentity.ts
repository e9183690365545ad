import { createHash } from "node:crypto";
import type { ApiResponse } from "./apiGatewayResult.js";

/**
 * How the local API authorizes requests, per `api.auth`, with the caller of a request that sends
 * no `Authorization` header: for `iam` the principal `userArn`, for `jwt` the token `claims`.
 */
export type LocalAuthorizer =
  | { kind: "iam"; userArn: string; accountId: string }
  | { kind: "jwt"; claims: Record<string, string> }
  | { kind: "none" };

/** What API Gateway's IAM authorizer puts in `requestContext.authorizer.iam`. */
export interface IamCaller {
  accessKey: string;
  accountId: string;
  callerId: string;
  cognitoIdentity: null;
  principalOrgId: null;
  userArn: string;
  userId: string;
}

/** The caller of one request, as API Gateway's authorizer describes it to the function. */
export type RequestCaller =
  | { kind: "iam"; iam: IamCaller }
  | { kind: "jwt"; claims: Record<string, string>; scopes: string[] | null }
  | { kind: "none" };

/** The access key of requests that send no signature. */
const DEFAULT_ACCESS_KEY = "ASIALOCALACCESSKEY00";

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/execute-api/aws4_request, ...` */
const SIGV4_CREDENTIAL =
  /^AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^/\s,]+)\/\d{8}\/[a-z0-9-]+\/execute-api\/aws4_request(?:[\s,]|$)/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const PROBLEM_TYPE_PREFIX = "tag:tasklane.dev,2026:problem/";

/**
 * The caller of a request, from its `Authorization` header, as API Gateway would be told it,
 * or the answer API Gateway gives a request it refuses. Nothing is verified: a SigV4
 * signature is not checked (the access key names the caller, as
 * `arn:aws:iam::000000000000:user/<access key>`), nor a JWT's signature, issuer, audience or
 * expiry (its payload's claims are the caller's). Without the header the request is the
 * authorizer's default caller.
 */
export function identifyCaller(
  authorizer: LocalAuthorizer,
  authorization: string | undefined,
): { caller: RequestCaller } | { refused: ApiResponse } {
  const header = authorization?.trim() ?? "";
  switch (authorizer.kind) {
    case "none":
      return { caller: { kind: "none" } };
    case "iam": {
      if (header === "") {
        return {
          caller: {
            kind: "iam",
            iam: iamCaller(authorizer.userArn, authorizer.accountId, DEFAULT_ACCESS_KEY),
          },
        };
      }
      const credential = SIGV4_CREDENTIAL.exec(header);
      if (!credential) {
        return {
          refused: problem(
            403,
            "forbidden",
            "Forbidden",
            "the Authorization header is not an AWS Signature Version 4 for execute-api (AWS4-HMAC-SHA256 Credential=<access key>/<date>/<region>/execute-api/aws4_request, ...)",
          ),
        };
      }
      const accessKey = credential[1] as string;
      return {
        caller: {
          kind: "iam",
          iam: iamCaller(
            `arn:aws:iam::${authorizer.accountId}:user/${accessKey}`,
            authorizer.accountId,
            accessKey,
          ),
        },
      };
    }
    case "jwt": {
      if (header === "")
        return { caller: { kind: "jwt", claims: authorizer.claims, scopes: null } };
      const claims = jwtClaims(header.replace(/^Bearer\s+/i, ""));
      if (!claims) {
        return {
          refused: problem(
            401,
            "unauthorized",
            "Unauthorized",
            "the Authorization header is not a bearer JWT (`Bearer <header>.<payload>.<signature>`, each part base64url, the first two JSON objects)",
            [["www-authenticate", 'Bearer error="invalid_token"']],
          ),
        };
      }
      const scope = claims.scope?.split(" ").filter((s) => s !== "") ?? [];
      return { caller: { kind: "jwt", claims, scopes: scope.length > 0 ? scope : null } };
    }
  }
}

/**
 * The identity of a principal: a user's unique id (`AIDA...`), or for an assumed role the
 * role's id and the session name (`AROA...:<session>`), derived from the ARN so that it is
 * stable.
 */
function iamCaller(userArn: string, accountId: string, accessKey: string): IamCaller {
  const hash = createHash("sha256").update(userArn).digest("hex").slice(0, 17).toUpperCase();
  const session = /:assumed-role\/[^/]+\/(.+)$/.exec(userArn)?.[1];
  const id = session === undefined ? `AIDA${hash}` : `AROA${hash}:${session}`;
  return {
    accessKey,
    accountId: /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(userArn)?.[1] ?? accountId,
    callerId: id,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn,
    userId: id,
  };
}

/**
 * A JWT's claims, each as API Gateway passes it: a string as it is, a list as `[a b]`, other
 * values as their JSON; `undefined` when the token is not a JWT.
 */
function jwtClaims(token: string): Record<string, string> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [header, payload] = parts.slice(0, 2).map(decodeSegment);
  if (!isObject(header) || !isObject(payload)) return undefined;
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [name, claimText(value)]),
  );
}

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function claimText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(claimText).join(" ")}]`;
  return JSON.stringify(value);
}

function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: [string, string][] = [],
): ApiResponse {
  return {
    statusCode: status,
    headers: [["content-type", "application/problem+json"], ...headers],
    body: Buffer.from(
      JSON.stringify({ type: `${PROBLEM_TYPE_PREFIX}${slug}`, title, status, detail }),
    ),
  };
}
