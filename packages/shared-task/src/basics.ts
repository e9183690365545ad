// What a handler's cold path needs of shared-task (the error and state names, the test for a
// transient error, a field path's spelling), with no zod behind it. The catch-all entry point
// also reaches the contract and record schemas; a bundle split at dynamic imports would then load
// zod at every cold start, even in a function (catalog) that imports zod only when a request
// needs it.
export * from "./classifyError.js";
export { ERROR_NAMES, type ErrorName, STATE_NAMES } from "./constants.js";
export type { FieldIssue } from "./errors.js";
export { formatPath } from "./fieldIssues.js";
