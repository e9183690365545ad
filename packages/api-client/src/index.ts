// The statuses and the page limit are shared-task's: one definition, for the API that answers
// them and its clients.
export { LIST_MAX_LIMIT } from "@tasklane/shared-task/constants";
export { TASK_STATUSES, TERMINAL_STATUSES } from "@tasklane/shared-task/statuses";
export type * from "./apiTypes.js";
export { createRequestSigner, regionOfApiUrl, type SigV4Options } from "./signRequest.js";
export {
  createTasklaneClient,
  type ListTasksQuery,
  TasklaneApiError,
  type TasklaneClient,
  type TasklaneClientOptions,
  TaskWaitTimeoutError,
  type WaitOptions,
} from "./tasklaneClient.js";
