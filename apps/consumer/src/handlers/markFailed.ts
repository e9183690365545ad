import { STATE_NAMES } from "@tasklane/shared-task";
import {
  createStepHandler,
  MetricUnit,
  measureEnd,
  noBlobStore,
  stepsFromEnvironment,
} from "../steps.js";

// A failure is recorded in the tasks table alone: no S3 here.
const steps = stepsFromEnvironment(noBlobStore(STATE_NAMES.markFailed));

/** Workflow step MarkFailed: records the failure in the task's record. */
export const handler = createStepHandler(
  "tasklane-mark-failed",
  (event) => steps.markFailed(event),
  (result, task, metrics) => {
    if (result.recorded) return measureEnd("TasksFailed", result, task, metrics);
    // The task was cancelled, or another execution owns it: this execution ran nothing.
    metrics.addDimension("taskType", task.type ?? "unknown");
    metrics.addMetric("SupersededExecutions", MetricUnit.Count, 1);
  },
);
