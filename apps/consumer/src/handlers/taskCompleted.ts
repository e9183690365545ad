import { ageOf, createStepHandler, MetricUnit, stepsFromEnvironment } from "../steps.js";

const steps = stepsFromEnvironment();

/** Workflow step TaskCompleted: records the success in the task's record. */
export const handler = createStepHandler(
  "tasklane-task-completed",
  (event) => steps.taskCompleted(event),
  (result, task, metrics) => {
    metrics.addDimension("taskType", task.type ?? "unknown");
    metrics.addMetric("TasksSucceeded", MetricUnit.Count, 1);
    metrics.addMetric("TaskAttempts", MetricUnit.Count, result.attempts);
    const age = ageOf(task);
    if (age !== undefined) metrics.addMetric("TaskDuration", MetricUnit.Milliseconds, age);
  },
);
