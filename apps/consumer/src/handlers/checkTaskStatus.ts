import { S3Client } from "@aws-sdk/client-s3";
import { S3BlobStore } from "@tasklane/task-store";
import { createStepHandler, lazyBlobStore, stepsFromEnvironment } from "../steps.js";

// A large running state is read, and a large output or next state written, in S3.
const steps = stepsFromEnvironment(lazyBlobStore(() => new S3BlobStore(new S3Client({}))));

/** Workflow step CheckTaskStatus: calls the task's `poll` with the state it left. */
export const handler = createStepHandler("tasklane-check-task-status", (event) =>
  steps.checkTaskStatus(event),
);
