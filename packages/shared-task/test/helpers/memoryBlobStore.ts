import type { BlobStore, ObjectLocation } from "../../src/index.js";

/** A blob store in a Map, for tests of the step cores that need no S3. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, string>();

  async getText({ bucket, key }: ObjectLocation): Promise<string | undefined> {
    return this.objects.get(`${bucket}/${key}`);
  }

  async putText({ bucket, key }: ObjectLocation, body: string): Promise<void> {
    this.objects.set(`${bucket}/${key}`, body);
  }
}
