import { ageOf, createStepHandler, MetricUnit, stepsFromEnvironment } from "../steps.js";

const steps = stepsFromEnvironment();

/** Workflow step MarkFailed: writes the failure record. */
export const handler = createStepHandler(
  "tasklane-mark-failed",
  (event) => steps.markFailed(event),
  (result, task, metrics) => {
    metrics.addDimension("taskType", task.type ?? "unknown");
    metrics.addMetric("TasksFailed", MetricUnit.Count, 1);
    metrics.addMetric("TaskAttempts", MetricUnit.Count, result.attempts);
    const age = ageOf(task);
    if (age !== undefined) metrics.addMetric("TaskDuration", MetricUnit.Milliseconds, age);
  },
);
