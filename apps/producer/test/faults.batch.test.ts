import { idempotentTaskId } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import { submitTasks } from "../src/submitTasks.js";
import { faultSuite, large, OWNER, submissionCase } from "./helpers/faultsProducer.js";

/**
 * Invariants 1, 2 and 8 for `POST /tasks/batch` (each item keeps the promises of a single
 * submission, see faults.submit.test.ts), and for keyed submissions racing each other.
 */
const suite = faultSuite("faults.batch.test.ts", { inlineInputMaxBytes: 64 });
const { system } = suite;

describe("POST /tasks/batch, under a fault at every call boundary", () => {
  suite.itHoldsUnderEveryFault(
    "batch submit: each item keeps the promises of a submission, whatever fails",
    submissionCase(system, "batch submit", (correlationId) => [
      { type: "echo", input: large("batch") },
      { type: "echo", input: { n: 2 } },
      { type: "echo", input: { n: 3 }, idempotencyKey: `batch-key-${correlationId}` },
    ]),
  );
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
