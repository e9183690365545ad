import type { EngineEvent, UpdateSummary } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import {
  changeCollector,
  operationEnvVars,
  outputValues,
  previewFailureKind,
  toStackUpdate,
} from "../src/automationStackGateway.js";

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

/**
 * A value shaped like the Automation API's `CommandError`: its message is the `CommandResult`'s
 * `code: …\n stdout: …\n stderr: …\n err?: …\n`, and it keeps the result itself.
 */
function commandError(result: { code: number; stdout: string; stderr: string }) {
  const message = `code: ${result.code}\n stdout: ${result.stdout}\n stderr: ${result.stderr}\n err?: \n`;
  return Object.assign(new Error(message), { commandResult: { ...result, err: undefined } });
}

const PREVIEW_STDOUT = [
  "Previewing update (dev)",
  "    ~ aws:lambda:Function ingest update [diff: ~code]",
  "Resources:",
  "    ~ 1 to update",
  "    40 unchanged",
].join("\n");

describe("why a preview expecting no changes failed", () => {
  it.each([
    ["preview's wording", "error: no changes were expected but changes were proposed\n"],
    ["up's and refresh's wording", "error: no changes were expected but changes occurred\n"],
    [
      "the wording that names the operation",
      "no changes were expected for preview but changes were proposed\n",
    ],
  ])("pending changes when the CLI's stderr says so (%s)", (_, stderr) => {
    const error = commandError({ code: 255, stdout: PREVIEW_STDOUT, stderr });

    expect(previewFailureKind(error, 1)).toBe("pendingChanges");
  });

  it("pending changes when the CLI said so on stdout", () => {
    const error = commandError({
      code: 255,
      stdout: `${PREVIEW_STDOUT}\nerror: no changes were expected but changes were proposed`,
      stderr: "",
    });

    expect(previewFailureKind(error, 1)).toBe("pendingChanges");
  });

  it("pending changes from the message alone, when there is no command result", () => {
    const error = new Error(
      "code: 255\n stdout: \n stderr: error: no changes were expected but changes were proposed\n err?: \n",
    );

    expect(previewFailureKind(error, 2)).toBe("pendingChanges");
  });

  it("an error when the preview crashed after announcing changes: the program threw", () => {
    const error = commandError({
      code: 255,
      stdout: `${PREVIEW_STDOUT}\n    pulumi:pulumi:Stack tasklane-dev running error: ReleaseError: bundle apps/producer/dist/ingest.zip is missing`,
      stderr: "error: preview failed\n",
    });

    expect(previewFailureKind(error, 3)).toBe("error");
  });

  it("an error when a provider crashed mid-preview", () => {
    const error = commandError({
      code: 255,
      stdout: PREVIEW_STDOUT,
      stderr:
        "error: the aws provider exited unexpectedly: rpc error: code = Unavailable desc = error reading from server: EOF\n",
    });

    expect(previewFailureKind(error, 1)).toBe("error");
  });

  it("an error when the CLI says there were changes but no event named one", () => {
    const error = commandError({
      code: 255,
      stdout: "",
      stderr: "error: no changes were expected but changes were proposed\n",
    });

    // Reporting no changes here would pass the gate on a stack that has some.
    expect(previewFailureKind(error, 0)).toBe("error");
  });

  it.each([
    ["undefined", undefined],
    ["a string", "no changes were expected but changes were proposed"],
    ["an error without the CLI's words", new Error("socket hang up")],
  ])("an error for %s", (_, error) => {
    expect(previewFailureKind(error, 1)).toBe("error");
  });
});

describe("the environment of an operation", () => {
  it("pins the release's commit and the sha256s the bundles must have", () => {
    const bundles = { ingest: "a".repeat(64), "create-task": "b".repeat(64) };

    const env = operationEnvVars({ releaseCommit: "c".repeat(40), expectedBundles: bundles });

    expect(env).toEqual({
      TASKLANE_RELEASE_COMMIT: "c".repeat(40),
      TASKLANE_EXPECTED_BUNDLES: JSON.stringify(bundles),
    });
    expect(JSON.parse(env.TASKLANE_EXPECTED_BUNDLES ?? "")).toEqual(bundles);
  });

  it("sets no expectation when none is given (gate 3's preview of the source)", () => {
    expect(operationEnvVars({ releaseCommit: "c".repeat(40) })).toEqual({
      TASKLANE_RELEASE_COMMIT: "c".repeat(40),
    });
  });
});
