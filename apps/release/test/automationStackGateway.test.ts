import type { EngineEvent, UpdateSummary } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { changeCollector, outputValues, toStackUpdate } from "../src/automationStackGateway.js";

// The adapter itself needs the Pulumi CLI; what it computes from the CLI's answers is tested here.

function preEvent(op: string, urn: string, sequence: number): EngineEvent {
  return {
    sequence,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn, type: urn.split("::")[2] ?? "", provider: "" } },
  } as EngineEvent;
}

describe("the Automation API adapter's mapping", () => {
  it("collects the changing steps of a preview from its engine events, in order; refreshing is no change", () => {
    const collector = changeCollector();
    const stack = "urn:pulumi:dev::tasklane::pulumi:pulumi:Stack::tasklane-dev";
    const lambda = "urn:pulumi:dev::tasklane::aws:lambda/function:Function::ingest";
    const queue = "urn:pulumi:dev::tasklane::aws:sqs/queue:Queue::tasks";

    for (const [i, [op, urn]] of [
      ["same", stack],
      ["refresh", lambda],
      ["update", lambda],
      ["read", "urn:pulumi:dev::tasklane::aws:iam/getPolicyDocument:x::doc"],
      ["replace", queue],
    ].entries()) {
      collector.onEvent(preEvent(op as string, urn as string, i));
    }

    expect(collector.changes).toEqual([
      { op: "update", urn: lambda },
      { op: "replace", urn: queue },
    ]);
    expect(collector.summary()).toEqual({ same: 1, refresh: 1, update: 1, read: 1, replace: 1 });
  });

  it("prefers the engine's own summary when it sent one", () => {
    const collector = changeCollector();

    collector.onEvent({
      sequence: 9,
      timestamp: 0,
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 3,
        resourceChanges: { same: 38, update: 2, delete: 0 },
        policyPacks: {},
      },
    });

    expect(collector.summary()).toEqual({ same: 38, update: 2 });
  });

  it("unwraps output values, secrets included", () => {
    expect(
      outputValues({
        apiUrl: { value: "https://x.execute-api.us-east-1.amazonaws.com", secret: false },
        token: { value: "s3cr3t", secret: true },
      }),
    ).toEqual({ apiUrl: "https://x.execute-api.us-east-1.amazonaws.com", token: "s3cr3t" });
  });

  it("keeps what promotion reads of a history entry", () => {
    const summary = {
      kind: "update",
      startTime: new Date("2025-01-01T00:00:00Z"),
      endTime: new Date("2025-01-01T00:01:00Z"),
      message: "promote abc from dev to prod",
      environment: { "git.head": "a".repeat(40), "git.dirty": "false" },
      config: {},
      result: "succeeded",
      version: 42,
    } satisfies UpdateSummary;

    expect(toStackUpdate(summary)).toEqual({
      version: 42,
      kind: "update",
      result: "succeeded",
      message: "promote abc from dev to prod",
      startTime: new Date("2025-01-01T00:00:00Z"),
      environment: { "git.head": "a".repeat(40), "git.dirty": "false" },
    });
  });
});
