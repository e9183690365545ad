import { taskDefinitions } from "@tasklane/consumer/task-definitions";
import { taskContracts } from "@tasklane/producer/task-contracts";
import { assertTasksFitWorkflow, workflowFor } from "@tasklane/shared-task";
import { workflowBounds } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { stackConfig } from "./helpers/stackConfigs.js";

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

// A task's timeoutSeconds must leave the workflow time to record its TaskTimeoutError before the
// execution itself times out (States.Timeout, which no Catch sees). Neither the Pulumi program
// nor the local runtime loads task code, so this is where the two meet.
describe.each(["dev", "prod"] as const)("the %s stack's workflow", (stack) => {
  const bounds = workflowBounds(stackConfig(stack));

  it("leaves every task room to time out with a failure record", () => {
    expect(() => assertTasksFitWorkflow(taskDefinitions.list(), bounds)).not.toThrow();
  });

  it("would refuse a task whose timeout outlasts the execution, naming it", () => {
    const tooLong = { type: "nightly-report", timeoutSeconds: bounds.executionTimeoutSeconds };

    expect(() => assertTasksFitWorkflow([...taskDefinitions.list(), tooLong], bounds)).toThrow(
      /task `nightly-report`: `timeoutSeconds`/,
    );
  });

  it("runs every task that finishes in start on Express, and sleep, which polls, on Standard", () => {
    const workflows = Object.fromEntries(
      taskDefinitions.list().map((task) => [task.type, workflowFor(task, bounds)]),
    );

    expect(workflows).toEqual({
      echo: "express",
      "word-count": "express",
      sleep: "standard",
      flaky: "express",
      fail: "express",
    });
  });
});
