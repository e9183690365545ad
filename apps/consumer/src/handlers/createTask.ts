import { createStepHandler, stepsFromEnvironment } from "../steps.js";

const steps = stepsFromEnvironment();

/** Workflow step CreateTask: counts the attempt and calls the task's `start`. */
export const handler = createStepHandler("tasklane-create-task", (event) =>
  steps.createTask(event),
);
