import { idempotentTaskId } from "@tasklane/shared-task";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitTasks } from "../src/submitTasks.js";
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
 * Invariants 1, 2 and 8 for `POST /tasks/batch` (each item keeps the promises of a single
 * submission, see faults.submit.test.ts), and for keyed submissions racing each other.
 */
let system: FaultSystem;
let tried = 0;

beforeAll(async () => {
  system = await startFaultSystem({ prefix: "faults-batch", inlineInputMaxBytes: 64 });
});
afterAll(async () => {
  console.log(`fault points in faults.batch.test.ts: ${tried}`);
  await system.stop();
});

describe("POST /tasks/batch, under a fault at every call boundary", () => {
  it("batch submit: each item keeps the promises of a submission, whatever fails", async () => {
    const report = await tryEveryFault(system, {
      operation: "batch submit",
      setup: async (correlationId) => correlationId,
      act: (deps, correlationId) =>
        submitTasks(deps, OWNER, correlationId, [
          { type: "echo", input: large("batch") },
          { type: "echo", input: { n: 2 } },
          { type: "echo", input: { n: 3 }, idempotencyKey: `batch-key-${correlationId}` },
        ]),
      accepted: (answer) => acceptedIds(answered(answer)),
      check: async ({ answer, correlationId, label }) => [
        ...statusProblems(answer, label),
        ...(await submissionProblems(system, correlationId, answered(answer), 3)),
      ],
      extraPlans: SEND_FAILS_TWICE,
    });
    printFaultReport(report);
    tried += report.points;

    expect(report.violations).toEqual([]);
  });
});

describe("POST /tasks, racing itself", () => {
  it("10 concurrent requests with one key and different bodies: 1 accepted, 9 conflicts", async () => {
    system.beginCase();
    const key = "race-different-bodies";

    const outcomes = (
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          submitTasks(system.healthy, OWNER, "race-different", [
            { type: "echo", input: { body: i }, idempotencyKey: key },
          ]),
        ),
      )
    ).flat();
    await system.drive();

    const id = idempotentTaskId(key, OWNER);
    expect(outcomes.filter((o) => o.kind === "accepted")).toEqual([
      { kind: "accepted", id, type: "echo", replayed: false },
    ]);
    expect(outcomes.filter((o) => o.kind === "conflict")).toHaveLength(9);
    expect(system.taskCalls.filter((c) => c.taskId === id)).toHaveLength(1);
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });

  it("20 concurrent requests with one key and the same body: all get the one task, which runs once", async () => {
    system.beginCase();
    const key = "race-same-body";

    const outcomes = (
      await Promise.all(
        Array.from({ length: 20 }, () =>
          submitTasks(system.healthy, OWNER, "race-same", [
            { type: "echo", input: { same: true }, idempotencyKey: key },
          ]),
        ),
      )
    ).flat();
    await system.drive();

    const id = idempotentTaskId(key, OWNER);
    expect(new Set(outcomes.map((o) => (o.kind === "accepted" ? o.id : o.kind)))).toEqual(
      new Set([id]),
    );
    expect(outcomes.filter((o) => o.kind === "accepted" && !o.replayed)).toHaveLength(1);
    expect(system.taskCalls.filter((c) => c.taskId === id)).toHaveLength(1);
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });
});
