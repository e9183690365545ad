export { executionArnFor, type StartOutcome, startExecution, stopExecution } from "./executions.js";
export { CorruptRecordError } from "./recordCodec.js";
export type { S3Objects } from "./s3ObjectsOnDemand.js";
export { tableClient } from "./tableClient.js";
export {
  cursorAfter,
  InvalidCursorError,
  type ListedTask,
  type ListPage,
  type ListQuery,
  listTaskRecords,
} from "./taskListing.js";
export { type Buckets, TaskPayloads } from "./taskPayloads.js";
export {
  type Actor,
  type ChangeResult,
  type CreateResult,
  LIST_OUTPUT_MAX_BYTES,
  mayAct,
  type NewTask,
  type Refusal,
  TaskRecords,
  type TaskRecordsOptions,
} from "./taskRecords.js";
export { findUnsentSince } from "./unsentRecords.js";
