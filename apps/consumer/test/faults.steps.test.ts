import type { JsonValue } from "@tasklane/shared-task";
import type { DrivenExecution, FaultSession } from "@tasklane/test-support";
import { describe } from "vitest";
import { faultSuite } from "./helpers/faultSuite.js";
import type { Answer } from "./helpers/faultsSystem.js";

/**
 * Invariants 1, 2 and 8 for the four steps: each step's first invocation runs in a handler whose
 * calls fail at one boundary, the rest of the workflow (the ASL the stack deploys, its Retry and
 * Catch) with healthy handlers, then the system is driven to quiescence. A fault that passes on
 * its own never changes how the task ends; a step whose process died is `Lambda.Unknown` to Step
 * Functions, which no retrier of the workflow names, so the task may end failed, but it must end.
 */
// Small inline limits, so inputs, running states and outputs travel through S3 and each step
// crosses S3 boundaries as well as the table's.
const suite = faultSuite("faults.steps.test.ts", {
  inlineInputMaxBytes: 64,
  maxInlineBytes: 16,
});
const { system } = suite;

interface Started {
  id: string;
  execution: DrivenExecution;
}

/** A task submitted and started with healthy clients: its execution waits for the test to run it. */
async function started(type: string, input: JsonValue, correlationId: string): Promise<Started> {
  const id = await system.submit(type, input, correlationId);
  const [execution] = await system.startQueued();
  if (!execution) throw new Error("setup: no execution started");
  return { id, execution };
}

const TRANSIENT = new Set(["before", "after", "duplicate"]);

/**
 * What a step promises under one fault: the task ends as it would have without the fault
 * (`expected`), unless the step's process died, which Step Functions reports as `Lambda.Unknown`
 * and the workflow does not retry: then the task may end failed instead. A fault the SDK or the
 * workflow can retry (a throttle, a reset, a lost answer) never changes how the task ends.
 */
function endsAsExpected(expected: "succeeded" | "failed") {
  return async ({ state, label }: { state: Started; answer: Answer<unknown>; label: string }) => {
    const [record] = await system.recordsOf({ ids: [state.id] });
    const kind = label.split(/[( ]/)[0] ?? "";
    const allowed =
      TRANSIENT.has(kind) || label === "no fault" ? [expected] : [...new Set([expected, "failed"])];
    return record && allowed.includes(record.status)
      ? []
      : [
          `the task ended ${record?.status ?? "without a record"}; expected ${allowed.join(" or ")}`,
        ];
  };
}

const stepCase = (
  state: string,
  type: string,
  input: (c: string) => JsonValue,
  expected: "succeeded" | "failed",
) => ({
  operation: state,
  setup: (correlationId: string) => started(type, input(correlationId), correlationId),
  act: (_deps: unknown, s: Started, session: FaultSession) =>
    system.execute(s.execution, { state, session }),
  accepted: (_answer: unknown, s: Started) => [s.id],
  ran: (s: Started) => new Set([s.execution.executionArn]),
  check: endsAsExpected(expected),
});

describe("each step of the workflow, under a fault at every call boundary", () => {
  for (const c of [
    stepCase(
      "CreateTask",
      "echo",
      (c) => ({ text: `large input of ${c} `.repeat(8) }),
      "succeeded",
    ),
    stepCase("CheckTaskStatus", "sleep", () => ({ seconds: 1 }), "succeeded"),
    stepCase("TaskCompleted", "echo", (c) => ({ small: c }), "succeeded"),
    stepCase("MarkFailed", "fail", (c) => ({ reason: `fails on purpose: ${c}` }), "failed"),
  ]) {
    suite.itHoldsUnderEveryFault(
      `${c.operation}: every accepted task ends, its code runs once per attempt`,
      c,
    );
  }
});
