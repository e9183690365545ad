import { ageOf, createStepHandler, MetricUnit, stepsFromEnvironment } from "../steps.js";

const steps = stepsFromEnvironment();

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
