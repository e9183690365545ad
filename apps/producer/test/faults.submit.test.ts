import { idempotentTaskId } from "@tasklane/shared-task";
import { describe } from "vitest";
import { type SubmitOutcome, submitTasks } from "../src/submitTasks.js";
import type { ValidSubmission } from "../src/validateSubmission.js";
import {
  acceptedIds,
  answered,
  codeStarts,
  faultSuite,
  large,
  OWNER,
  recordOf,
  SEND_FAILS_TWICE,
  statusProblems,
  submissionCase,
} from "./helpers/faultsProducer.js";

/**
 * Invariants 1, 2 and 8 for submissions: each call boundary of a submission, single and keyed
 * (batched: faults.batch.test.ts), is made to fail in each way (`FAULT_VARIANTS`), then the
 * system is driven to quiescence and checked. What each answer allows:
 * - 202 accepted: the task ends succeeded, and its code ran once;
 * - 503 `rolled-back`: nothing of the request is visible (no record, no stored input) and no code
 *   ran; a stray message of an ambiguous send finds no record (an orphan);
 * - 503 `left-for-resend` (the rollback failed too): the task may still run, and must end;
 * - 500, or no answer at all (a crash): whatever was written ends; a fault that passes on its own
 *   (a throttle, a reset, a lost answer) is never answered 500, which clients do not retry;
 * - with an `Idempotency-Key`, a client that repeats a refused or unanswered request gets the one
 *   task of its key, which runs once.
 */
// Inputs over 64 bytes go to the payloads bucket, so a submission crosses S3 as well.
const suite = faultSuite("faults.submit.test.ts", { inlineInputMaxBytes: 64 });
const { system } = suite;

describe("POST /tasks, under a fault at every call boundary", () => {
  suite.itHoldsUnderEveryFault(
    "submit (no key): what it accepts runs once; what it refuses leaves nothing, or runs to its end",
    submissionCase(system, "submit", () => [{ type: "echo", input: large("submit") }]),
  );

  suite.itHoldsUnderEveryFault(
    "keyed submit: a client that repeats a refused or unanswered request gets its one task, run once",
    {
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
        const record = await recordOf(system, id);
        if (record?.status !== "succeeded") problems.push(`task ${id} ended ${record?.status}`);
        const starts = codeStarts(system, id);
        if (starts !== 1) problems.push(`task ${id}'s code ran ${starts} times for one key`);
        const records = await system.recordsOf({ correlationIds: [correlationId] });
        if (records.some((r) => r.id !== id))
          problems.push("a keyed request made a record under another id");
        return problems;
      },
      extraPlans: SEND_FAILS_TWICE,
    },
  );
});

function keyed(key: string): ValidSubmission {
  return { type: "echo", input: large(key), idempotencyKey: key };
}
