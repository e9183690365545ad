import { s3ObjectsOnDemand } from "@tasklane/task-store/s3-on-demand";
import { createStepHandler, stepsFromEnvironment } from "../steps.js";

// A large input is read, and a large output or running state written, in S3; the S3
// client is loaded only then.
const steps = stepsFromEnvironment(s3ObjectsOnDemand());

/** Workflow step CreateTask: counts the attempt and calls the task's `start`. */
export const handler = createStepHandler("tasklane-create-task", (event) =>
  steps.createTask(event),
);
