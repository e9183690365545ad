import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import type { BlobStore, ObjectLocation } from "@tasklane/shared-task";

/** The object exists and the write asked for `If-None-Match: *`. */
export class ObjectExistsError extends Error {
  override name = "ObjectExistsError";
}

/** JSON documents in S3. A missing object reads as `undefined`, not as an error. */
export class S3BlobStore implements BlobStore {
  constructor(private readonly s3: S3Client) {}

  async getText({ bucket, key }: ObjectLocation): Promise<string | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await response.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Writes the object. With `ifNoneMatch`, S3 refuses to overwrite an existing object (a
   * conditional write): the first of two racing writers wins and the other gets
   * `ObjectExistsError`. Emulators that ignore conditional writes simply overwrite.
   */
  async putText(
    { bucket, key }: ObjectLocation,
    body: string,
    options: { ifNoneMatch?: boolean } = {},
  ): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          // A known length spares the SDK from treating the body as a stream of unknown size.
          ContentLength: Buffer.byteLength(body, "utf8"),
          ContentType: "application/json",
          ...(options.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
        }),
      );
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (options.ifNoneMatch && (status === 412 || status === 409)) {
        throw new ObjectExistsError(`s3://${bucket}/${key} already exists`);
      }
      throw error;
    }
  }

  async delete({ bucket, key }: ObjectLocation): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

/**
 * An `S3BlobStore` over a client of its own; what `s3ObjectsOnDemand` imports when it is first
 * used. Named imports keep the rest of the S3 client's commands out of the bundle, which a
 * dynamic import of the whole package would keep.
 */
export function s3BlobStoreFor(config: S3ClientConfig): S3BlobStore {
  return new S3BlobStore(new S3Client(config));
}
