import { s3ObjectsOnDemand } from "@tasklane/task-store/s3-on-demand";
import { createStepHandler, stepsFromEnvironment } from "../steps.js";

// A large running state is read, and a large output or next state written, in S3; the S3
// client is loaded only then.
const steps = stepsFromEnvironment(s3ObjectsOnDemand());

/** Workflow step CheckTaskStatus: calls the task's `poll` with the state it left. */
export const handler = createStepHandler("tasklane-check-task-status", (event) =>
  steps.checkTaskStatus(event),
);
