import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * SHA-256 of a submission's type and input in RFC 8785 canonical JSON, so key order and
 * whitespace do not matter. Two requests with one `Idempotency-Key` are the same request exactly
 * when their fingerprints match.
 */
export function fingerprintSubmission(submission: { type: string; input: unknown }): string {
  const canonical = canonicalize({ type: submission.type, input: submission.input ?? null });
  if (canonical === undefined) throw new TypeError("submission is not JSON-serializable");
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

export const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;
