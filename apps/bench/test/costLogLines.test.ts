import type { ExecutionTransition } from "@tasklane/local";
import { describe, expect, it } from "vitest";
import {
  apiAccessLogBytes,
  historyEventsOf,
  lambdaPlatformLogBytes,
  stateMachineLogBytes,
} from "../src/cost/logLines.js";

const requestId = "6f5c2b0a-1b7e-4f27-9c2e-0e1f4b0c9f13";

function transition(
  type: ExecutionTransition["type"],
  state?: { name: string; type: string },
): ExecutionTransition {
  return {
    type,
    timestamp: new Date("2026-12-01T21:24:04.471Z"),
    executionArn: "arn:aws:states:us-east-1:000000000000:execution:tasklane-prod-workflow:0193-g1",
    executionName: "0193-g1",
    stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-prod-workflow",
    workflowType: "STANDARD",
    input: { task: { v: 1, id: "0193", type: "echo", generation: 1 }, run: "r" },
    ...(state ? { state } : {}),
    ...(type.includes("Failed") ? { error: "TaskPermanentError", cause: "fail always fails" } : {}),
  } as ExecutionTransition;
}

const failedRun = [
  transition("ExecutionStarted"),
  transition("StateEntered", { name: "CreateTask", type: "Task" }),
  transition("StateFailed", { name: "CreateTask", type: "Task" }),
  transition("StateEntered", { name: "MarkFailed", type: "Task" }),
  transition("StateExited", { name: "MarkFailed", type: "Task" }),
  transition("StateEntered", { name: "Failed", type: "Fail" }),
  transition("ExecutionFailed"),
];

describe("the log lines AWS writes", () => {
  it("counts Lambda's START, END and REPORT lines, and X-Ray's with tracing", () => {
    // Prepare
    const invocation = { requestId, durationMs: 12.3, memoryMb: 1024 };
    const expected = [
      `START RequestId: ${requestId} Version: $LATEST\n`,
      `END RequestId: ${requestId}\n`,
      `REPORT RequestId: ${requestId}\tDuration: 12.30 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 100 MB\t\n`,
    ].join("");

    // Act / Assess
    expect(lambdaPlatformLogBytes(invocation, { tracing: false, systemLevel: "INFO" })).toBe(
      Buffer.byteLength(expected),
    );
    expect(
      lambdaPlatformLogBytes(invocation, { tracing: true, systemLevel: "INFO" }),
    ).toBeGreaterThan(Buffer.byteLength(expected));
    // At a system log level of WARN, Lambda writes none of them for an invocation that went well.
    expect(lambdaPlatformLogBytes(invocation, { tracing: true, systemLevel: "WARN" })).toBe(0);
  });

  it("renders one access log line per API request", () => {
    const bytes = apiAccessLogBytes({
      routeKey: "POST /tasks",
      path: "/tasks",
      statusCode: 202,
      durationMs: 41,
      callerArn: "arn:aws:iam::000000000000:user/tasklane-local",
    });

    expect(bytes).toBeGreaterThan(300);
    expect(bytes).toBeLessThan(600);
  });

  it("maps a Task state's entry to its entry, the function's scheduling and start", () => {
    expect(
      historyEventsOf(transition("StateEntered", { name: "CreateTask", type: "Task" })),
    ).toEqual(["TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"]);
    expect(
      historyEventsOf(transition("StateEntered", { name: "IsTaskDone", type: "Choice" })),
    ).toEqual(["ChoiceStateEntered"]);
  });

  it("logs every event at ALL, failures at ERROR, the execution's failure at FATAL, nothing at OFF", () => {
    // Act
    const bytes = (level: "ALL" | "ERROR" | "FATAL" | "OFF", includeExecutionData = false) =>
      stateMachineLogBytes(failedRun, { level, includeExecutionData });

    // Assess
    expect(bytes("OFF")).toBe(0);
    expect(bytes("FATAL")).toBeGreaterThan(0);
    expect(bytes("ERROR")).toBeGreaterThan(bytes("FATAL"));
    expect(bytes("ALL")).toBeGreaterThan(bytes("ERROR"));
    expect(bytes("ALL", true)).toBeGreaterThan(bytes("ALL"));
  });
});
