export {
  describeExecution,
  executionArnFor,
  type StartOutcome,
  startExecution,
  stopExecution,
} from "./executions.js";
export { readTaskView, type TaskViewDeps } from "./readTaskView.js";
export { ObjectExistsError, S3BlobStore } from "./s3BlobStore.js";
export { type Buckets, CorruptRecordError, TaskStore } from "./taskStore.js";
