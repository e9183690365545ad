import { SFNClient } from "@aws-sdk/client-sfn";
import { executionName, newTaskId } from "@tasklane/shared-task";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executionArnFor, startExecution, stopExecution } from "../src/index.js";
import { fileEmulators } from "./helpers/fileEmulators.js";

const aws = fileEmulators();
let sfn: SFNClient;

beforeAll(() => {
  sfn = new SFNClient({});
});
afterAll(() => sfn.destroy());
beforeEach(() => aws.stepFunctions.reset());

describe("executionArnFor", () => {
  it("derives an execution's ARN from its state machine's, as Step Functions does", () => {
    expect(
      executionArnFor(
        "arn:aws:states:eu-west-1:123456789012:stateMachine:tasklane-prod-workflow",
        "x-g1",
      ),
    ).toBe("arn:aws:states:eu-west-1:123456789012:execution:tasklane-prod-workflow:x-g1");
    expect(() => executionArnFor("arn:aws:lambda:eu-west-1:123456789012:function:f", "x")).toThrow(
      "not a state machine ARN",
    );
  });
});

describe("startExecution", () => {
  it("starts once under a name; a reuse with another input is already-exists, not an error", async () => {
    // Prepare
    const name = executionName(newTaskId(), 1);
    const arn = aws.stepFunctions.stateMachineArn;

    // Act
    const first = await startExecution(sfn, arn, name, { run: "a" });
    const second = await startExecution(sfn, arn, name, { run: "b" });

    // Assess
    expect([first, second]).toEqual(["started", "already-exists"]);
    expect(aws.stepFunctions.executions().map((e) => e.name)).toEqual([name]);
  });

  it("lets any other error through", async () => {
    // Act
    const starting = startExecution(
      sfn,
      "arn:aws:states:us-east-1:123456789012:stateMachine:missing",
      executionName(newTaskId(), 1),
      {},
    );

    // Assess
    await expect(starting).rejects.toMatchObject({ name: "StateMachineDoesNotExist" });
  });
});

describe("stopExecution", () => {
  it("stops a running execution with the reason given", async () => {
    // Prepare
    const name = executionName(newTaskId(), 1);
    const arn = aws.stepFunctions.stateMachineArn;
    await startExecution(sfn, arn, name, {});

    // Act
    const stopped = await stopExecution(sfn, executionArnFor(arn, name), {
      error: "TaskCancelled",
      cause: "cancelled by alice",
    });

    // Assess
    expect(stopped).toBe(true);
    expect(aws.stepFunctions.executions()[0]).toMatchObject({
      status: "ABORTED",
      error: "TaskCancelled",
      cause: "cancelled by alice",
    });
  });

  it("answers false for an execution that does not exist", async () => {
    // Act
    const stopped = await stopExecution(
      sfn,
      executionArnFor(aws.stepFunctions.stateMachineArn, executionName(newTaskId(), 1)),
      { error: "TaskCancelled", cause: "c" },
    );

    // Assess
    expect(stopped).toBe(false);
  });
});
