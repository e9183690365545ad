import { createHash } from "node:crypto";
import type { StackRef } from "./parseStackConfig.js";

/** AWS limits on physical names. */
export const NAME_LIMITS = {
  sqsQueue: 80,
  lambdaFunction: 64,
  iamRole: 64,
  stateMachine: 80,
  s3Bucket: 63,
  logGroup: 512,
  snsTopic: 256,
  dynamoTable: 255,
} as const;

/**
 * `<project>-<stack>-<component>`, lower-case, cut to `maxLength` (counting `suffix`, such as
 * `.fifo`). A cut name ends in a short hash of the full one, so two long names never collide.
 */
export function resourceName(
  ref: StackRef,
  component: string,
  maxLength: number,
  suffix = "",
): string {
  const full = `${ref.project}-${ref.stack}-${component}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const room = maxLength - suffix.length;
  if (full.length <= room) return `${full}${suffix}`;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 7);
  return `${full.slice(0, room - hash.length - 1).replace(/-+$/, "")}-${hash}${suffix}`;
}
