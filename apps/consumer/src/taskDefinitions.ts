import { type AnyTaskDefinition, TaskRegistry } from "@tasklane/shared-task";
import { exampleTasks } from "@tasklane/shared-task/tasks";

/**
 * The tasks this consumer runs. Add your own task's definition here, and its contract to the
 * producer's `taskContracts`; a test checks that the two lists name the same contracts.
 */
export const taskDefinitions = new TaskRegistry<AnyTaskDefinition>([...exampleTasks]);
