import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BlobStore, ObjectLocation } from "@tasklane/shared-task";

/** The step cores' storage over real S3 calls (to fauxqs). */
export class S3BlobStore implements BlobStore {
  constructor(private readonly s3: S3Client) {}

  async getText({ bucket, key }: ObjectLocation): Promise<string | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await out.Body?.transformToString("utf8");
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return undefined;
      throw error;
    }
  }

  async putText({ bucket, key }: ObjectLocation, body: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: "application/json",
      }),
    );
  }
}
