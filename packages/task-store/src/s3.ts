// S3 documents over a client of the caller's. Apart from the main entry point so that a handler
// importing `@tasklane/task-store` does not reach the S3 client; handlers take theirs from
// `@tasklane/task-store/s3-on-demand`, which loads it on first use (a chunk of its own).
export { ObjectExistsError, S3BlobStore } from "./s3BlobStore.js";
