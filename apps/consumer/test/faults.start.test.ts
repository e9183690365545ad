import { receiveSqsEvent, settleDeliveries } from "@tasklane/test-support";
import { describe, expect, it } from "vitest";
import { startTaskExecution } from "../src/startTaskExecution.js";
import { eventSourceQueueOf } from "./helpers/consumerEnvironment.js";
import { faultSuite, succeededOnce } from "./helpers/faultSuite.js";
import { answered } from "./helpers/faultsSystem.js";

/**
 * Invariants 1, 2 and 8 for the consumer's start of an execution: the message of an accepted
 * task is delivered to a consumer whose calls fail at one boundary (a failed or dead consumer
 * leaves the message for redelivery, as the event source mapping does), then the system is driven
 * to quiescence: the task ends succeeded, and its code ran once.
 */
const suite = faultSuite("faults.start.test.ts");
const { system } = suite;

describe("the consumer's start of an execution, under a fault at every call boundary", () => {
  suite.itHoldsUnderEveryFault(
    "starts each accepted generation's execution once, and its code runs once",
    {
      operation: "start execution",
      setup: (correlationId) => system.submit("echo", { hello: correlationId }, correlationId),
      act: (_deps, _id, session) => system.deliverToFaulty(session),
      // The task was accepted before the consumer saw it.
      accepted: (_answer, id) => [id],
      async check({ state: id, answer }) {
        const outcome = answered(answer)?.outcome;
        return [
          ...(await succeededOnce(system, id)),
          ...(outcome === undefined || outcome === "started" || outcome === "duplicate"
            ? []
            : [`the consumer answered ${outcome} for a queued task`]),
        ];
      },
    },
  );
});

describe("duplicate deliveries of one generation", () => {
  it("two concurrent starts of the same message start one execution, and the code runs once", async () => {
    system.beginCase();
    const id = await system.submit("echo", { twice: true }, "duplicate-delivery");
    const { Records } = await receiveSqsEvent(system.aws.sqs, eventSourceQueueOf(system.aws));
    const message = Records[0];
    if (!message) throw new Error("setup: no message in the queue");
    const deps = {
      sfn: system.healthy.sfn,
      records: system.healthy.records,
      stateMachineArn: system.healthy.stateMachineArn,
    };

    const outcomes = await Promise.all([
      startTaskExecution(deps, message.body),
      startTaskExecution(deps, message.body),
    ]);
    await settleDeliveries(system.aws.sqs, system.aws.queueUrl, { done: [message] });
    await system.drive();

    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["duplicate", "started"]);
    expect(system.aws.stepFunctions.executions()).toHaveLength(1);
    expect(system.taskCalls.filter((c) => c.taskId === id)).toHaveLength(1);
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });
});
