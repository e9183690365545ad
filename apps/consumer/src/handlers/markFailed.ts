import { STATE_NAMES } from "@tasklane/shared-task";
import {
  ageOf,
  createStepHandler,
  MetricUnit,
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
    metrics.addDimension("taskType", task.type ?? "unknown");
    if (!result.recorded) {
      // The task was cancelled, or another execution owns it: this execution ran nothing.
      metrics.addMetric("SupersededExecutions", MetricUnit.Count, 1);
      return;
    }
    metrics.addMetric("TasksFailed", MetricUnit.Count, 1);
    metrics.addMetric("TaskAttempts", MetricUnit.Count, result.attempts);
    const age = ageOf(task);
    if (age !== undefined) metrics.addMetric("TaskDuration", MetricUnit.Milliseconds, age);
  },
);
