import { taskDefinitions } from "@tasklane/consumer/task-definitions";
import { taskContracts } from "@tasklane/producer/task-contracts";
import { describe, expect, it } from "vitest";

describe("the producer's contracts and the consumer's tasks", () => {
  it("name the same task types, so nothing the API accepts is unknown to the consumer", () => {
    expect(taskContracts.types()).toEqual(taskDefinitions.types());
  });

  it.each(taskContracts.types())(
    "%s: the consumer runs the very contract the producer validates with",
    (type) => {
      expect(taskDefinitions.get(type).contract).toEqual(taskContracts.get(type));
      expect(taskDefinitions.get(type).input).toBe(taskContracts.get(type).input);
    },
  );
});
