// The cores of the workflow's four Lambda steps, with storage passed in.

export type {
  ClaimResult,
  CompletedSummary,
  FailedSummary,
  RunRef,
  StepOutcome,
  StepRecords,
  TaskSteps,
  TaskStepsOptions,
} from "./workflow/taskSteps.js";
export {
  caughtErrorInfo,
  createTaskSteps,
  ERROR_MESSAGE_MAX_LENGTH,
  stepOutcomeSchema,
} from "./workflow/taskSteps.js";
