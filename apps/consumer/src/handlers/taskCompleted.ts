import { STATE_NAMES } from "@tasklane/shared-task";
import {
  ageOf,
  createStepHandler,
  MetricUnit,
  noBlobStore,
  stepsFromEnvironment,
} from "../steps.js";

// The output is recorded as CreateTask or CheckTaskStatus left it (inline, or their S3
// reference): no S3 here.
const steps = stepsFromEnvironment(noBlobStore(STATE_NAMES.taskCompleted));

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
