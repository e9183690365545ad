import { STATE_NAMES } from "@tasklane/shared-task";
import { createStepHandler, measureEnd, noBlobStore, stepsFromEnvironment } from "../steps.js";

// The output is recorded as CreateTask or CheckTaskStatus left it (inline, or their S3
// reference): no S3 here.
const steps = stepsFromEnvironment(noBlobStore(STATE_NAMES.taskCompleted));

/** Workflow step TaskCompleted: records the success in the task's record. */
export const handler = createStepHandler(
  "tasklane-task-completed",
  (event) => steps.taskCompleted(event),
  (result, task, metrics) => measureEnd("TasksSucceeded", result, task, metrics),
);
