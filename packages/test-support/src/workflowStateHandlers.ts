import { STATE_NAMES } from "@tasklane/shared-task";
import type { TaskSteps } from "@tasklane/shared-task/steps";

/**
 * The step cores keyed by the workflow's Task state names: what binds the ASL to them in
 * aws-local-stepfunctions (`taskResourceLocalHandlers`) or a test's stepper, with no Lambda in
 * between.
 */
export function workflowStateHandlers(
  steps: TaskSteps,
): Record<string, (input: unknown) => Promise<unknown>> {
  return {
    [STATE_NAMES.createTask]: (input) => steps.createTask(input),
    [STATE_NAMES.checkTaskStatus]: (input) => steps.checkTaskStatus(input),
    [STATE_NAMES.taskCompleted]: (input) => steps.taskCompleted(input),
    [STATE_NAMES.markFailed]: (input) => steps.markFailed(input),
  };
}
