import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  type AttemptLedger,
  attemptLedgerSchema,
  type CancellationRecord,
  cancellationRecordSchema,
  type FailureRecord,
  failureRecordSchema,
  type JsonValue,
  loadPayload,
  type Payload,
  type ResultRecord,
  readJson,
  resultRecordSchema,
  S3_PREFIXES,
  s3Keys,
  TasklaneError,
  type TaskRecord,
  taskRecordSchema,
} from "@tasklane/shared-task";
import type * as z from "zod";
import { S3BlobStore } from "./s3BlobStore.js";

export interface Buckets {
  payloads: string;
  results: string;
}

/** A stored document failed its schema: a bug or a hand edit, never a user error. */
export class CorruptRecordError extends Error {
  override name = "CorruptRecordError";
}

/**
 * Every S3 object Tasklane reads or writes outside the workflow steps, behind names that say what
 * they are. Keys come from shared-task's `s3Keys`, so this is the only other place that knows
 * which bucket holds what.
 */
export class TaskStore {
  readonly blobs: S3BlobStore;

  constructor(
    private readonly s3: S3Client,
    readonly buckets: Buckets,
  ) {
    this.blobs = new S3BlobStore(s3);
  }

  private results(key: string) {
    return { bucket: this.buckets.results, key };
  }

  private async read<T extends z.ZodType>(
    key: string,
    schema: T,
  ): Promise<z.output<T> | undefined> {
    const raw = await readJson(this.blobs, this.results(key));
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new CorruptRecordError(`s3://${this.buckets.results}/${key} does not match its schema`);
    }
    return parsed.data;
  }

  getRecord(taskId: string): Promise<TaskRecord | undefined> {
    return this.read(s3Keys.taskRecord(taskId), taskRecordSchema);
  }

  /** Writes a task record; with `create`, fails with `ObjectExistsError` if one exists. */
  async putRecord(record: TaskRecord, options: { create?: boolean } = {}): Promise<void> {
    await this.blobs.putText(this.results(s3Keys.taskRecord(record.id)), JSON.stringify(record), {
      ifNoneMatch: options.create === true,
    });
  }

  async deleteRecord(taskId: string): Promise<void> {
    await this.blobs.delete(this.results(s3Keys.taskRecord(taskId)));
  }

  /** Adds the task to the creation-time index that `listCreatedSince` reads. */
  async indexCreated(record: Pick<TaskRecord, "id" | "createdAt">): Promise<void> {
    await this.blobs.putText(this.results(s3Keys.createdIndex(record.createdAt, record.id)), "");
  }

  async deleteCreatedIndex(record: Pick<TaskRecord, "id" | "createdAt">): Promise<void> {
    await this.blobs.delete(this.results(s3Keys.createdIndex(record.createdAt, record.id)));
  }

  getLedger(taskId: string, generation: number): Promise<AttemptLedger | undefined> {
    return this.read(s3Keys.attempts(taskId, generation), attemptLedgerSchema);
  }

  getResult(taskId: string, generation: number): Promise<ResultRecord | undefined> {
    return this.read(s3Keys.result(taskId, generation), resultRecordSchema);
  }

  getFailure(taskId: string, generation: number): Promise<FailureRecord | undefined> {
    return this.read(s3Keys.failure(taskId, generation), failureRecordSchema);
  }

  getCancellation(taskId: string, generation: number): Promise<CancellationRecord | undefined> {
    return this.read(s3Keys.cancellation(taskId, generation), cancellationRecordSchema);
  }

  async putCancellation(cancellation: CancellationRecord): Promise<void> {
    await this.blobs.putText(
      this.results(s3Keys.cancellation(cancellation.id, cancellation.generation)),
      JSON.stringify(cancellation),
    );
  }

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
  loadPayload(payload: Payload): Promise<JsonValue> {
    return loadPayload(this.blobs, payload);
  }

  /**
   * Ids of tasks created at or after `since`, oldest first, from the creation-time index.
   * `after` continues a previous page (pass the last id's cursor).
   */
  async listCreatedSince(
    since: Date,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<{ entries: { taskId: string; createdAt: string }[]; cursor?: string }> {
    const out = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.buckets.results,
        Prefix: S3_PREFIXES.createdIndex,
        StartAfter: options.cursor ?? s3Keys.createdIndexStartAfter(since),
        MaxKeys: options.limit,
      }),
    );
    const entries = (out.Contents ?? []).flatMap((object) => {
      const parsed = object.Key ? s3Keys.parseCreatedIndexKey(object.Key) : undefined;
      return parsed ? [parsed] : [];
    });
    const last = out.Contents?.at(-1)?.Key;
    return out.IsTruncated && last ? { entries, cursor: last } : { entries };
  }
}
