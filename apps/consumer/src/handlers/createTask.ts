import { S3Client } from "@aws-sdk/client-s3";
import { S3BlobStore } from "@tasklane/task-store";
import { createStepHandler, lazyBlobStore, stepsFromEnvironment } from "../steps.js";

// A large input is read, and a large output or running state written, in S3.
const steps = stepsFromEnvironment(lazyBlobStore(() => new S3BlobStore(new S3Client({}))));

/** Workflow step CreateTask: counts the attempt and calls the task's `start`. */
export const handler = createStepHandler("tasklane-create-task", (event) =>
  steps.createTask(event),
);
