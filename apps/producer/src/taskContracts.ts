import { type TaskContract, TaskRegistry } from "@tasklane/shared-task";
import { exampleContracts } from "@tasklane/shared-task/contracts";

/**
 * The task types this API accepts. Add your own task's contract here (and its definition to the
 * consumer's `taskDefinitions`). Only contracts: the producer's bundle must not carry task code.
 */
export const taskContracts = new TaskRegistry<TaskContract>([...exampleContracts]);
