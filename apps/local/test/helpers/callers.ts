/**
 * A SigV4 `Authorization` header as a client signing for `service` sends it; the signature is a
 * placeholder, since the local API checks none.
 */
export function sigV4Authorization(accessKeyId: string, service = "execute-api"): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261125/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
}

/** `Bearer <jwt>` carrying `claims`, with a signature nobody checks locally. */
export function bearer(claims: Record<string, unknown>): string {
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `Bearer ${segment({ alg: "RS256", typ: "JWT" })}.${segment(claims)}.${Buffer.from("signature").toString("base64url")}`;
}
