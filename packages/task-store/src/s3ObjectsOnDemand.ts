import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { BlobStore, ObjectLocation } from "@tasklane/shared-task";

/** What `TaskPayloads` needs of S3: whole JSON documents, read, written and deleted. */
export interface S3Objects extends BlobStore {
  putText(
    location: ObjectLocation,
    body: string,
    options?: { ifNoneMatch?: boolean },
  ): Promise<void>;
  delete(location: ObjectLocation): Promise<void>;
}

/**
 * S3 documents whose client is loaded and made on first use. Most inputs, states and outputs
 * travel inline, so a cold start that never meets a large payload should neither compile nor
 * build the S3 client (about a fifth of a bundle): the function's bundle carries it in a chunk
 * of its own (lambda-bundler splits at dynamic imports), imported only here.
 */
export function s3ObjectsOnDemand(config: S3ClientConfig = {}): S3Objects {
  let loading: Promise<S3Objects> | undefined;
  const objects = () => {
    if (!loading) {
      loading = import("./s3BlobStore.js").then(({ s3BlobStoreFor }) => s3BlobStoreFor(config));
      // A failed load (it should not fail: the chunk is in the bundle) is tried again next time.
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
  return {
    getText: async (location) => (await objects()).getText(location),
    putText: async (location, body, options) => (await objects()).putText(location, body, options),
    delete: async (location) => (await objects()).delete(location),
  };
}
