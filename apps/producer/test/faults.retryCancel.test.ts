import type { TaskRecord } from "@tasklane/shared-task";
import type { Fault } from "@tasklane/test-support";
import { describe, expect, it } from "vitest";
import { type CancelOutcome, cancelTask } from "../src/cancelTask.js";
import { type RetryOutcome, retryTask } from "../src/retryTask.js";
import {
  ACTOR,
  answered,
  codeStarts,
  faultSuite,
  recordOf,
  statusProblems,
} from "./helpers/faultsProducer.js";

/**
 * Invariants 1, 2 and 8 for retries and cancellations, at every call boundary. What each answer
 * allows:
 * - retry 202 queued: generation 2 ends, its code ran once; 503 `restored`: the task is failed at
 *   generation 2 again (retryable) and generation 2 never ran; 503 not restored: the sweep sends
 *   generation 2, which runs to its end; 409: only when another request retried first; 500 or no
 *   answer: the task stays failed, or generation 2 runs to its end;
 * - cancel 200 cancelled: the task ends cancelled and its code never ran; an error or no answer:
 *   the task ends cancelled (the write applied) or succeeded (it did not).
 */
const suite = faultSuite("faults.retryCancel.test.ts");
const { system } = suite;

const send = (nth: number, kind: Fault["kind"]): Fault => ({
  service: "SQS",
  command: "SendMessageBatchCommand",
  nth,
  kind,
});

describe("POST /tasks/{id}/retry, under a fault at every call boundary", () => {
  suite.itHoldsUnderEveryFault(
    "a queued retry runs generation 2 once; a refused one leaves the task retryable or runs it to its end",
    {
      operation: "retry",
      setup: (correlationId) =>
        system.failedTask("echo", { retried: correlationId }, correlationId),
      act: (deps, id) => retryTask(deps, id, ACTOR, 1),
      accepted: (answer, id) => (answered(answer)?.kind === "queued" ? [id] : []),
      check: async ({ state: id, answer, label }) => [
        ...statusProblems(answer, label),
        ...retryProblems(await recordOf(system, id), answered(answer), codeStarts(system, id, 2)),
      ],
      extraPlans: [
        {
          name: "SQS refuses both sends (the retry is restored)",
          plan: [send(1, "before"), send(2, "before")],
        },
        {
          name: "SQS refuses both sends and the restore is throttled (left for the sweep)",
          plan: [
            send(1, "before"),
            send(2, "before"),
            { service: "DynamoDB", command: "UpdateItemCommand", nth: 2, kind: "before" },
          ],
        },
        {
          name: "SQS refuses both sends and the handler dies before restoring",
          plan: [
            send(1, "before"),
            send(2, "before"),
            { service: "DynamoDB", command: "UpdateItemCommand", nth: 2, kind: "crash-before" },
          ],
        },
      ],
    },
  );

  it("8 concurrent retries of one failed task: exactly 1 queued, 7 conflicts, generation 2, run once", async () => {
    system.beginCase();
    const id = await system.failedTask("echo", { raced: true }, "retry-race");

    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => retryTask(system.healthy, id, ACTOR, 1)),
    );
    await system.drive();

    expect(outcomes.filter((o) => o.kind === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "conflict")).toHaveLength(7);
    expect(await recordOf(system, id)).toMatchObject({ generation: 2, status: "succeeded" });
    expect(system.taskCalls.filter((c) => c.taskId === id)).toEqual([
      { fn: "start", taskId: id, generation: 2, attempt: 2 },
    ]);
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });
});

/** What a retry's answer allows, given how the task ended and how often generation 2 ran. */
function retryProblems(
  record: TaskRecord | undefined,
  outcome: RetryOutcome | undefined,
  generation2Runs: number,
): string[] {
  if (!record) return ["the task's record is gone"];
  const problems: string[] = [];
  switch (outcome?.kind) {
    case "queued":
      if (record.generation !== 2 || record.status !== "succeeded") {
        problems.push(
          `queued as generation 2, yet the task ended ${record.status} at generation ${record.generation}`,
        );
      }
      if (generation2Runs !== 1) problems.push(`generation 2's code ran ${generation2Runs} times`);
      break;
    case "conflict":
      // No one else retried this task: a conflict can only be its own write, reported wrongly.
      if (record.generation === 2) {
        problems.push(
          `answered 409 ("someone retried it first"), yet it was this very retry that moved the task to generation 2 (now ${record.status})`,
        );
      }
      break;
    case "unavailable":
      if (
        outcome.restored &&
        (record.generation !== 2 || record.status !== "failed" || generation2Runs > 0)
      ) {
        problems.push(
          `answered 503 restored, yet the task is ${record.status} at generation ${record.generation} and generation 2 ran ${generation2Runs} times`,
        );
      }
      break;
  }
  return problems;
}

/** A task submitted with healthy clients, waiting in the queue or already started. */
async function cancellable(correlationId: string, where: "queued" | "started"): Promise<string> {
  const id = await system.submit("echo", { cancel: correlationId }, correlationId);
  if (where === "started") await system.startQueued();
  return id;
}

describe.each(["queued", "started"] as const)(
  "DELETE /tasks/{id} of a task %s, under a fault at every call boundary",
  (where) => {
    suite.itHoldsUnderEveryFault(
      "a cancel answered cancelled ends the task cancelled before its code ran; any other answer lets it end",
      {
        operation: `cancel (${where})`,
        setup: (correlationId) => cancellable(correlationId, where),
        act: (deps, id) => cancelTask(deps, id, ACTOR),
        accepted: (_answer, id) => [id],
        check: async ({ state: id, answer, label }) => [
          ...statusProblems(answer, label),
          ...cancelProblems(await recordOf(system, id), answered(answer), codeStarts(system, id)),
        ],
      },
    );
  },
);

/** What a cancel's answer allows, given how the task ended and how often its code ran. */
function cancelProblems(
  record: TaskRecord | undefined,
  outcome: CancelOutcome | undefined,
  runs: number,
): string[] {
  if (outcome?.kind === "cancelled") {
    return [
      ...(record?.status === "cancelled"
        ? []
        : [`answered cancelled, yet the task ended ${record?.status}`]),
      ...(runs > 0 ? [`answered cancelled before it started, yet its code ran ${runs} times`] : []),
    ];
  }
  if (outcome) return [`a task that had not run was answered ${outcome.kind}`];
  return record?.status === "cancelled" || record?.status === "succeeded"
    ? []
    : [`an unanswered cancel left the task ${record?.status}`];
}
