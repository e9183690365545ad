import type { Fault } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CancelOutcome, cancelTask } from "../src/cancelTask.js";
import { type RetryOutcome, retryTask } from "../src/retryTask.js";
import {
  ACTOR,
  type Answer,
  answered,
  type FaultSystem,
  printFaultReport,
  startFaultSystem,
  statusProblems,
  tryEveryFault,
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
let system: FaultSystem;
let tried = 0;

beforeAll(async () => {
  system = await startFaultSystem({ prefix: "faults-retry" });
});
afterAll(async () => {
  console.log(`fault points in faults.retryCancel.test.ts: ${tried}`);
  await system.stop();
});

const send = (nth: number, kind: Fault["kind"]): Fault => ({
  service: "SQS",
  command: "SendMessageBatchCommand",
  nth,
  kind,
});

describe("POST /tasks/{id}/retry, under a fault at every call boundary", () => {
  it("a queued retry runs generation 2 once; a refused one leaves the task retryable or runs it to its end", async () => {
    const report = await tryEveryFault(system, {
      operation: "retry",
      setup: (correlationId) =>
        system.failedTask("echo", { retried: correlationId }, correlationId),
      act: (deps, id) => retryTask(deps, id, ACTOR, 1),
      accepted: (answer, id) => (answered(answer)?.kind === "queued" ? [id] : []),
      check: async ({ state: id, answer, label }) => retryProblems(id, answer, label),
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
    });
    printFaultReport(report);
    tried += report.points;

    expect(report.violations).toEqual([]);
  });

  it("8 concurrent retries of one failed task: exactly 1 queued, 7 conflicts, generation 2, run once", async () => {
    system.beginCase();
    const id = await system.failedTask("echo", { raced: true }, "retry-race");

    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => retryTask(system.healthy, id, ACTOR, 1)),
    );
    await system.drive();

    expect(outcomes.filter((o) => o.kind === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "conflict")).toHaveLength(7);
    const [record] = await system.recordsOf({ ids: [id] });
    expect(record).toMatchObject({ generation: 2, status: "succeeded" });
    expect(system.taskCalls.filter((c) => c.taskId === id)).toEqual([
      { fn: "start", taskId: id, generation: 2, attempt: 2 },
    ]);
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });
});

async function retryProblems(
  id: string,
  answer: Answer<RetryOutcome>,
  label: string,
): Promise<string[]> {
  const problems = [...statusProblems(answer, label)];
  const [record] = await system.recordsOf({ ids: [id] });
  const outcome = answered(answer);
  const generation2 = system.taskCalls.filter(
    (c) => c.taskId === id && c.generation === 2 && c.fn === "start",
  );
  if (!record) return [...problems, "the task's record is gone"];
  switch (outcome?.kind) {
    case "queued":
      if (record.generation !== 2 || record.status !== "succeeded") {
        problems.push(
          `queued as generation 2, yet the task ended ${record.status} at generation ${record.generation}`,
        );
      }
      if (generation2.length !== 1)
        problems.push(`generation 2's code ran ${generation2.length} times`);
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
        (record.generation !== 2 || record.status !== "failed" || generation2.length > 0)
      ) {
        problems.push(
          `answered 503 restored, yet the task is ${record.status} at generation ${record.generation} and generation 2 ran ${generation2.length} times`,
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
    it("a cancel answered cancelled ends the task cancelled before its code ran; any other answer lets it end", async () => {
      const report = await tryEveryFault(system, {
        operation: `cancel (${where})`,
        setup: (correlationId) => cancellable(correlationId, where),
        act: (deps, id) => cancelTask(deps, id, ACTOR),
        accepted: (_answer, id) => [id],
        check: ({ state: id, answer, label }) => cancelProblems(id, answer, label),
      });
      printFaultReport(report);
      tried += report.points;

      expect(report.violations).toEqual([]);
    });
  },
);

async function cancelProblems(
  id: string,
  answer: Answer<CancelOutcome>,
  label: string,
): Promise<string[]> {
  const problems = [...statusProblems(answer, label)];
  const [record] = await system.recordsOf({ ids: [id] });
  const ran = system.taskCalls.filter((c) => c.taskId === id && c.fn === "start").length;
  const outcome = answered(answer);
  if (outcome?.kind === "cancelled") {
    if (record?.status !== "cancelled")
      problems.push(`answered cancelled, yet the task ended ${record?.status}`);
    if (ran > 0)
      problems.push(`answered cancelled before it started, yet its code ran ${ran} times`);
  } else if (outcome) {
    problems.push(`a task that had not run was answered ${outcome.kind}`);
  } else if (record?.status !== "cancelled" && record?.status !== "succeeded") {
    problems.push(`an unanswered cancel left the task ${record?.status}`);
  }
  return problems;
}
