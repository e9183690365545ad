import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsEmulators,
  driveToQuiescence,
  type QuiescenceDeps,
  sendMessages,
  startAwsEmulators,
} from "../src/index.js";

let aws: AwsEmulators;

beforeAll(async () => {
  aws = await startAwsEmulators({ prefix: "drive", maxReceiveCount: 3 });
});
afterAll(() => aws.stop());

const queue = () => ({ queueUrl: aws.queueUrl, queueArn: aws.queueArn, region: aws.region });

function depth(url: string): number {
  const q = aws.fauxqs.inspectQueue(url.split("/").at(-1) as string);
  const m = q?.messages;
  return (m?.ready.length ?? 0) + (m?.inflight.length ?? 0) + (m?.delayed.length ?? 0);
}

describe("driveToQuiescence", () => {
  it("redelivers a failing message until the queue moves it to the DLQ, and runs what was started", async () => {
    aws.fauxqs.reset();
    aws.stepFunctions.reset();
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: "ok" }, { body: "poison" }]);
    const delivered: string[] = [];
    const executed: string[] = [];
    const deps: QuiescenceDeps = {
      sqs: aws.sqs,
      queue: queue(),
      stepFunctions: aws.stepFunctions,
      async deliver(body) {
        delivered.push(body);
        if (body === "poison") throw new Error("cannot handle it");
        await fetch(aws.stepFunctions.url, {
          method: "POST",
          headers: {
            "x-amz-target": "AWSStepFunctions.StartExecution",
            "content-type": "application/x-amz-json-1.0",
          },
          body: JSON.stringify({
            stateMachineArn: aws.stepFunctions.stateMachineArn,
            name: "run-1",
            input: "{}",
          }),
        });
      },
      async execute(execution) {
        executed.push(execution.name);
        return { status: "SUCCEEDED" };
      },
    };

    const report = await driveToQuiescence(deps);

    expect(delivered.filter((b) => b === "ok")).toEqual(["ok"]);
    // Received maxReceiveCount times, then redriven on the next receive.
    expect(delivered.filter((b) => b === "poison")).toHaveLength(3);
    expect(depth(aws.queueUrl)).toBe(0);
    expect(depth(aws.dlqUrl)).toBe(1);
    expect(executed).toEqual(["run-1"]);
    expect(aws.stepFunctions.executions().map((e) => e.status)).toEqual(["SUCCEEDED"]);
    expect(report.executions).toEqual([{ name: "run-1", status: "SUCCEEDED" }]);
  });

  it("gives up, rather than spinning, when the system never settles", async () => {
    aws.fauxqs.reset();
    let n = 0;
    const deps: QuiescenceDeps = {
      sqs: aws.sqs,
      queue: queue(),
      stepFunctions: aws.stepFunctions,
      // A sweep that always finds something to send again.
      sweep: () => sendMessages(aws.sqs, aws.queueUrl, [{ body: String(++n) }]),
      deliver: async () => undefined,
      execute: async () => ({ status: "SUCCEEDED" }),
      maxRounds: 4,
    };

    await expect(driveToQuiescence(deps)).rejects.toThrow(/did not settle in 4 rounds/);
  });
});
