export type {
  AcceptedTask,
  BatchItemResult,
  BatchResult,
  ObjectLocation,
  ProblemDetails,
  TaskList,
  TaskResource,
  TaskStatus,
  TaskSummary,
  TaskTypeDescription,
  TimelineEntry,
} from "./apiTypes.js";
export { TERMINAL_STATUSES } from "./apiTypes.js";
export { createRequestSigner, regionOfApiUrl, type SigV4Options } from "./signRequest.js";
export {
  createTasklaneClient,
  type ListTasksQuery,
  TasklaneApiError,
  type TasklaneClient,
  type TasklaneClientOptions,
  type WaitOptions,
} from "./tasklaneClient.js";
