import { createStepHandler, stepsFromEnvironment } from "../steps.js";

const steps = stepsFromEnvironment();

/** Workflow step CheckTaskStatus: calls the task's `poll` with the state it left. */
export const handler = createStepHandler("tasklane-check-task-status", (event) =>
  steps.checkTaskStatus(event),
);
