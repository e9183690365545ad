import type { TaskTypeDescription } from "@tasklane/api-client";
import type { TaskContract, TaskRegistry } from "@tasklane/shared-task";
import * as z from "zod";

/** Each task type with its description and the JSON Schemas (draft 2020-12) of its data. */
export function describeTaskTypes(contracts: TaskRegistry<TaskContract>): TaskTypeDescription[] {
  return contracts.list().map((contract) => ({
    type: contract.type,
    description: contract.description,
    ...(contract.timeoutSeconds === undefined ? {} : { timeoutSeconds: contract.timeoutSeconds }),
    inputSchema: z.toJSONSchema(contract.input, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >,
    outputSchema: z.toJSONSchema(contract.output, {
      io: "output",
      unrepresentable: "any",
    }) as Record<string, unknown>,
  }));
}
