import { isTransientError, type JsonValue } from "@tasklane/shared-task";
import type { Fault } from "@tasklane/test-support";
// The fault suite drives the whole system: the harness lives with the consumer, whose start and
// steps it runs, and runs the producer's sweep.
import {
  type Answer,
  answered,
  type FaultCase,
  type FaultSystem,
  OWNER,
} from "../../../consumer/test/helpers/faultsSystem.js";
import { type SubmitOutcome, submitTasks } from "../../src/submitTasks.js";
import type { ValidSubmission } from "../../src/validateSubmission.js";

export * from "../../../consumer/test/helpers/faultSuite.js";
export * from "../../../consumer/test/helpers/faultsSystem.js";

/** The fault kind a case label starts with (`before(throttle) ...`), or `none`. */
export function kindOf(label: string): string {
  return label === "no fault" ? "none" : (label.split(/[( ]/)[0] ?? "");
}

/** Faults an AWS client may meet any day and a retry gets past: never worth a 500. */
const PASSING = new Set(["before", "after", "duplicate"]);

/**
 * The HTTP answer a request got: a handler that threw answers 503 when the error is a passing
 * outage (what `createHttpHandler` does) and 500 otherwise. A passing fault must never earn a
 * 500: clients retry a 503, not a 500.
 */
export function statusProblems(answer: Answer<unknown>, label: string): string[] {
  if (answer.kind !== "threw" || !PASSING.has(kindOf(label))) return [];
  if (isTransientError(answer.error)) return [];
  return [
    `a passing fault was answered 500, as a bug: ${answer.error.name} is not classified as transient, so the client is told not to retry`,
  ];
}

/**
 * What `submitTasks` promises per submission, once the system is quiet: an accepted task ran
 * once and succeeded; a task rolled back left nothing visible (no record, no stored input) and
 * never ran; a refusal whose rollback failed ran to its end (the invariants check that).
 */
export async function submissionProblems(
  system: FaultSystem,
  correlationId: string,
  outcomes: readonly SubmitOutcome[] | undefined,
  expectedTasks: number,
): Promise<string[]> {
  const problems: string[] = [];
  const records = await system.recordsOf({ correlationIds: [correlationId] });
  if (records.length > expectedTasks) {
    problems.push(`${records.length} records for ${expectedTasks} submission(s)`);
  }
  for (const [index, outcome] of (outcomes ?? []).entries()) {
    if (outcome.kind === "accepted") {
      const record = records.find((r) => r.id === outcome.id);
      const starts = system.taskCalls.filter((c) => c.taskId === outcome.id && c.fn === "start");
      if (record?.status !== "succeeded") {
        problems.push(
          `submission ${index} was accepted, yet its task ended ${record?.status ?? "without a record"}`,
        );
      }
      if (starts.length !== 1)
        problems.push(`submission ${index} was accepted and its code ran ${starts.length} times`);
    }
  }
  const rolledBack = (outcomes ?? []).filter(
    (o) => o.kind === "unavailable" && o.rollback === "rolled-back",
  );
  if (outcomes && rolledBack.length === outcomes.length) {
    // Every submission was rolled back: nothing of the request may remain.
    if (records.length > 0) problems.push(`rolled back, yet ${records.length} record(s) remain`);
    const inputs = (await system.payloadKeys()).filter((k) => k.startsWith("inputs/"));
    if (inputs.length > 0)
      problems.push(`rolled back, yet stored inputs remain: ${inputs.join(", ")}`);
    if (system.taskCalls.length > 0) problems.push("rolled back, yet task code ran");
  }
  return problems;
}

export const large = (tag: string): JsonValue => ({ text: `the large input of ${tag} `.repeat(6) });

const send = (nth: number, kind: Fault["kind"], error?: Fault["error"]): Fault => ({
  service: "SQS",
  command: "SendMessageBatchCommand",
  nth,
  kind,
  ...(error ? { error } : {}),
});

/** Paths one fault cannot reach: `sendEnvelopes` tries each batch twice, then rolls back. */
export const SEND_FAILS_TWICE = [
  { name: "SQS refuses both sends (rolled back)", plan: [send(1, "before"), send(2, "before")] },
  {
    name: "SQS loses both answers (ambiguous: rolled back, the stray messages are orphans)",
    plan: [send(1, "after"), send(2, "after")],
  },
  {
    name: "SQS refuses both sends and the rollback's delete is throttled (left for the sweep)",
    plan: [
      send(1, "before"),
      send(2, "before"),
      { service: "DynamoDB", command: "DeleteItemCommand", nth: 1, kind: "before" } as Fault,
    ],
  },
  {
    name: "SQS refuses both sends and the handler dies before its rollback",
    plan: [
      send(1, "before"),
      send(2, "before"),
      { service: "DynamoDB", command: "DeleteItemCommand", nth: 1, kind: "crash-before" } as Fault,
    ],
  },
];

/** The ids of the submissions an answer accepted. */
export function acceptedIds(outcomes: readonly SubmitOutcome[] | undefined): string[] {
  return (outcomes ?? []).flatMap((o) => (o.kind === "accepted" ? [o.id] : []));
}

/**
 * The fault case of one request submitting `submissions` (made for its correlation id), never
 * repeated: each submission keeps the promises `submissionProblems` checks, a passing fault is
 * never answered 500, and SQS refusing or losing both sends is tried as well.
 */
export function submissionCase(
  system: FaultSystem,
  operation: string,
  submissions: (correlationId: string) => ValidSubmission[],
): FaultCase<string, SubmitOutcome[]> {
  return {
    operation,
    setup: async (correlationId) => correlationId,
    act: (deps, correlationId) =>
      submitTasks(deps, OWNER, correlationId, submissions(correlationId)),
    accepted: (answer) => acceptedIds(answered(answer)),
    check: async ({ answer, correlationId, label }) => [
      ...statusProblems(answer, label),
      ...(await submissionProblems(
        system,
        correlationId,
        answered(answer),
        submissions(correlationId).length,
      )),
    ],
    extraPlans: SEND_FAILS_TWICE,
  };
}
