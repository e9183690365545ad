import {
  type JsonValue,
  loadPayload,
  type Payload,
  S3_PREFIXES,
  s3Keys,
  TasklaneError,
} from "@tasklane/shared-task";
import type { S3Objects } from "./s3ObjectsOnDemand.js";

export interface Buckets {
  payloads: string;
  results: string;
}

/**
 * The blobs of tasks in S3: large inputs (payloads bucket, written once by the producer) and
 * large outputs (results bucket, written once by the step that produced them). Nothing here
 * changes after it is written; what changes lives in the tasks table.
 */
export class TaskPayloads {
  /**
   * `blobs` is an `S3BlobStore` over a client of the caller's (tests), or `s3ObjectsOnDemand()`
   * in a handler, which loads the S3 client only when a payload is large.
   */
  constructor(
    readonly blobs: S3Objects,
    readonly buckets: Buckets,
  ) {}

  /**
   * Stores an input too large to travel inline and returns the reference to send instead. The
   * key holds the submission's fingerprint as well as the task id: two requests racing for one
   * `Idempotency-Key` with different bodies then write different objects, so the one that loses
   * can never overwrite the input of the one that was accepted, and two with the same body write
   * the same bytes.
   */
  async putInput(
    taskId: string,
    fingerprint: string,
    value: JsonValue,
    bytes: number,
  ): Promise<Payload> {
    const key = s3Keys.input(taskId, fingerprint);
    await this.blobs.putText({ bucket: this.buckets.payloads, key }, JSON.stringify(value));
    return { kind: "s3", bucket: this.buckets.payloads, key, bytes };
  }

  /** Deletes an input `putInput` stored; an inline one has nothing to delete. */
  async deleteInput(input: Payload): Promise<void> {
    if (input.kind !== "s3") return;
    if (input.bucket !== this.buckets.payloads || !input.key.startsWith(S3_PREFIXES.inputs)) {
      throw new TasklaneError(
        `s3://${input.bucket}/${input.key} is not a task input; not deleting it`,
      );
    }
    await this.blobs.delete({ bucket: input.bucket, key: input.key });
  }

  /** The value of a payload, fetched from S3 when it is a reference. */
  load(payload: Payload): Promise<JsonValue> {
    return loadPayload(this.blobs, payload);
  }
}
