import { idempotentTaskId } from "@tasklane/shared-task";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SubmitOutcome, submitTasks } from "../src/submitTasks.js";
import type { ValidSubmission } from "../src/validateSubmission.js";
import {
  acceptedIds,
  answered,
  type FaultSystem,
  large,
  OWNER,
  printFaultReport,
  SEND_FAILS_TWICE,
  startFaultSystem,
  statusProblems,
  submissionProblems,
  tryEveryFault,
} from "./helpers/faultsProducer.js";

/**
 * Invariants 1, 2 and 8 for submissions: each call boundary of a submission, single, keyed and
 * batched, is made to fail in each way (`FAULT_VARIANTS`), then the system is driven to
 * quiescence and checked. What each answer allows:
 * - 202 accepted: the task ends succeeded, and its code ran once;
 * - 503 `rolled-back`: nothing of the request is visible (no record, no stored input) and no code
 *   ran; a stray message of an ambiguous send finds no record (an orphan);
 * - 503 `left-for-resend` (the rollback failed too): the task may still run, and must end;
 * - 500, or no answer at all (a crash): whatever was written ends; a fault that passes on its own
 *   (a throttle, a reset, a lost answer) is never answered 500, which clients do not retry;
 * - with an `Idempotency-Key`, a client that repeats a refused or unanswered request gets the one
 *   task of its key, which runs once.
 */
let system: FaultSystem;
let tried = 0;

beforeAll(async () => {
  // Inputs over 64 bytes go to the payloads bucket, so a submission crosses S3 as well.
  system = await startFaultSystem({ prefix: "faults-submit", inlineInputMaxBytes: 64 });
});
afterAll(async () => {
  console.log(`fault points in faults.submit.test.ts: ${tried}`);
  await system.stop();
});

describe("POST /tasks, under a fault at every call boundary", () => {
  it("submit (no key): what it accepts runs once; what it refuses leaves nothing, or runs to its end", async () => {
    const report = await tryEveryFault(system, {
      operation: "submit",
      setup: async (correlationId) => correlationId,
      act: (deps, correlationId) =>
        submitTasks(deps, OWNER, correlationId, [{ type: "echo", input: large("submit") }]),
      accepted: (answer) => acceptedIds(answered(answer)),
      check: async ({ answer, correlationId, label }) => [
        ...statusProblems(answer, label),
        ...(await submissionProblems(system, correlationId, answered(answer), 1)),
      ],
      extraPlans: SEND_FAILS_TWICE,
    });
    printFaultReport(report);
    tried += report.points;

    expect(report.violations).toEqual([]);
  });

  it("keyed submit: a client that repeats a refused or unanswered request gets its one task, run once", async () => {
    const report = await tryEveryFault(system, {
      operation: "keyed submit",
      setup: async (correlationId) => ({
        key: `key-${correlationId}`,
        correlationId,
        replay: [] as SubmitOutcome[],
      }),
      act: (deps, state) => submitTasks(deps, OWNER, state.correlationId, [keyed(state.key)]),
      accepted: (answer) => acceptedIds(answered(answer)),
      async afterAnswer(answer, state) {
        if (answered(answer)?.[0]?.kind === "accepted") return;
        // Refused (503), failed (500) or unanswered: the client sends the same request again.
        state.replay = await submitTasks(system.healthy, OWNER, state.correlationId, [
          keyed(state.key),
        ]);
      },
      check: async ({ state, answer, correlationId, label }) => {
        const id = idempotentTaskId(state.key, OWNER);
        const first = answered(answer)?.[0];
        const final = state.replay[0] ?? first;
        const problems = [...statusProblems(answer, label)];
        if (final?.kind !== "accepted" || final.id !== id) {
          problems.push(
            `the request with its key was not accepted as task ${id}: ${JSON.stringify(final)}`,
          );
        }
        const [record] = await system.recordsOf({ ids: [id] });
        if (record?.status !== "succeeded") problems.push(`task ${id} ended ${record?.status}`);
        const starts = system.taskCalls.filter((c) => c.taskId === id && c.fn === "start").length;
        if (starts !== 1) problems.push(`task ${id}'s code ran ${starts} times for one key`);
        const records = await system.recordsOf({ correlationIds: [correlationId] });
        if (records.some((r) => r.id !== id))
          problems.push("a keyed request made a record under another id");
        return problems;
      },
      extraPlans: SEND_FAILS_TWICE,
    });
    printFaultReport(report);
    tried += report.points;

    expect(report.violations).toEqual([]);
  });
});

function keyed(key: string): ValidSubmission {
  return { type: "echo", input: large(key), idempotencyKey: key };
}
