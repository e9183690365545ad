import { receiveSqsEvent, settleDeliveries } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTaskExecution } from "../src/startTaskExecution.js";
import {
  answered,
  type FaultSystem,
  printFaultReport,
  startFaultSystem,
  tryEveryFault,
} from "./helpers/faultsSystem.js";

/**
 * Invariants 1, 2 and 8 for the consumer's start of an execution: the message of an accepted
 * task is delivered to a consumer whose calls fail at one boundary (a failed or dead consumer
 * leaves the message for redelivery, as the event source mapping does), then the system is driven
 * to quiescence: the task ends succeeded, and its code ran once.
 */
let system: FaultSystem;
let tried = 0;

beforeAll(async () => {
  system = await startFaultSystem({ prefix: "faults-start" });
});
afterAll(async () => {
  console.log(`fault points in faults.start.test.ts: ${tried}`);
  await system.stop();
});

describe("the consumer's start of an execution, under a fault at every call boundary", () => {
  it("starts each accepted generation's execution once, and its code runs once", async () => {
    const report = await tryEveryFault(system, {
      operation: "start execution",
      setup: (correlationId) => system.submit("echo", { hello: correlationId }, correlationId),
      act: (_deps, _id, session) => system.deliverToFaulty(session),
      // The task was accepted before the consumer saw it.
      accepted: (_answer, id) => [id],
      async check({ state: id, answer }) {
        const [record] = await system.recordsOf({ ids: [id] });
        const starts = system.taskCalls.filter((c) => c.taskId === id && c.fn === "start");
        const problems: string[] = [];
        if (record?.status !== "succeeded")
          problems.push(`the task ended ${record?.status}, not succeeded`);
        if (starts.length !== 1) problems.push(`its code ran ${starts.length} times`);
        const outcome = answered(answer)?.outcome;
        if (outcome !== undefined && outcome !== "started" && outcome !== "duplicate") {
          problems.push(`the consumer answered ${outcome} for a queued task`);
        }
        return problems;
      },
    });
    printFaultReport(report);
    tried += report.points;

    expect(report.violations).toEqual([]);
  });
});

describe("duplicate deliveries of one generation", () => {
  it("two concurrent starts of the same message start one execution, and the code runs once", async () => {
    system.beginCase();
    const id = await system.submit("echo", { twice: true }, "duplicate-delivery");
    const { Records } = await receiveSqsEvent(system.aws.sqs, {
      queueUrl: system.aws.queueUrl,
      queueArn: system.aws.queueArn,
      region: system.aws.region,
    });
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
