import * as z from "zod";
import { INLINE_PAYLOAD_MAX_BYTES } from "../constants.js";
import { PayloadError } from "../errors.js";
import { type JsonValue, jsonByteLength } from "../json.js";

/** Where an object lives in S3. */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

/** Reads and writes whole JSON documents; S3 in the handlers, a Map in unit tests. */
export interface BlobStore {
  /** The object's text, or `undefined` when there is no such object. */
  getText(location: ObjectLocation): Promise<string | undefined>;
  putText(location: ObjectLocation, body: string): Promise<void>;
}

const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name");

/** A JSON value carried inline, or a pointer to the S3 object that holds it. */
export const payloadSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("inline"), value: z.json() }),
  z.object({
    kind: z.literal("s3"),
    bucket: bucketName,
    key: z.string().min(1).max(1024),
    bytes: z.int().min(0),
  }),
]);
export type Payload = z.infer<typeof payloadSchema>;

/** Keeps a value inline when its JSON fits in `maxInlineBytes`, else stores it at `location`. */
export async function storePayload(
  store: BlobStore,
  value: JsonValue,
  location: ObjectLocation,
  maxInlineBytes: number = INLINE_PAYLOAD_MAX_BYTES,
): Promise<Payload> {
  const bytes = jsonByteLength(value);
  if (bytes <= maxInlineBytes) return { kind: "inline", value };
  await store.putText(location, JSON.stringify(value));
  return { kind: "s3", bucket: location.bucket, key: location.key, bytes };
}

/** The value a payload carries, fetched from S3 when it is a reference. */
export async function loadPayload(store: BlobStore, payload: Payload): Promise<JsonValue> {
  if (payload.kind === "inline") return payload.value as JsonValue;
  const text = await store.getText(payload);
  if (text === undefined) {
    throw new PayloadError(`payload s3://${payload.bucket}/${payload.key} does not exist`);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new PayloadError(`payload s3://${payload.bucket}/${payload.key} is not JSON`);
  }
}

/** Reads a JSON document, or `undefined` when it does not exist. */
export async function readJson(store: BlobStore, location: ObjectLocation): Promise<unknown> {
  const text = await store.getText(location);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PayloadError(`s3://${location.bucket}/${location.key} is not JSON`);
  }
}

export async function writeJson(
  store: BlobStore,
  location: ObjectLocation,
  value: unknown,
): Promise<void> {
  await store.putText(location, JSON.stringify(value));
}
