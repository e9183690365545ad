import { listShardOf, newTaskId } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import { resendUnsent, UNSENT_LEASE_SECONDS } from "../src/resendUnsent.js";
import { submitTasks } from "../src/submitTasks.js";
import { faultSuite, type HandlerDeps, OWNER, succeededOnce } from "./helpers/faultsProducer.js";
import { unsentRecord } from "./helpers/unsentRecord.js";

/**
 * The resend sweep under the fault it exists for: a lost `markSent` (best effort) must not leave
 * an ended task in the unsent index, where the sweep reads oldest first and 100 per shard, or it
 * would in time hide every newly stranded task from the sweep (invariant 1).
 */
const suite = faultSuite("faults.sweep.test.ts");
const { system } = suite;

/** The sweep as its schedule runs it, a lease after now. */
const sweep = (deps: HandlerDeps = system.healthy) =>
  resendUnsent({
    records: deps.records,
    sqs: deps.sqs,
    queueUrl: deps.queueUrl,
    now: () => new Date(deps.now().getTime() + (UNSENT_LEASE_SECONDS + 1) * 1000),
  });

/** A task whose sender died between its put and its send: a record marked unsent, no message. */
const stranded = (correlationId: string, id?: string) =>
  unsentRecord(system.healthy.records, {
    owner: OWNER,
    input: { stranded: correlationId },
    correlationId,
    createdAt: system.clock.now().toISOString(),
    ...(id ? { id } : {}),
  });

describe("the unsent mark, when markSent fails (it is best effort)", () => {
  it("is gone once the task ended, so ended tasks do not pile up in the unsent index", async () => {
    system.beginCase();
    const session = system.withFaults([
      { service: "DynamoDB", command: "UpdateItemCommand", nth: 1, kind: "before", error: "reset" },
    ]);
    const [outcome] = await submitTasks(system.faulty, OWNER, "mark-sent-lost", [
      { type: "echo", input: { marked: true } },
    ]);
    session.detach();
    expect(outcome).toMatchObject({ kind: "accepted" });

    await system.drive();

    const [record] = await system.recordsOf({ correlationIds: ["mark-sent-lost"] });
    expect(record?.status).toBe("succeeded");
    // Still marked, it stays in the sparse index the sweep reads oldest first, for good.
    expect(record?.unsentSince).toBeUndefined();
  });

  it("never hides a stranded task from the sweep behind 100 ended ones of its shard", async () => {
    system.beginCase();
    const shard = 0;
    const idsInShard = (n: number) => {
      const ids: string[] = [];
      while (ids.length < n) {
        const id = newTaskId();
        if (listShardOf(id) === shard) ids.push(id);
      }
      return ids;
    };
    // 100 tasks that ran to their end while their markSent was lost (as in the test above).
    for (const id of idsInShard(100)) {
      await stranded("sweep-shard", id);
      await system.healthy.records.claimAttempt(id, 1, `run-${id}`);
      await system.healthy.records.complete(
        id,
        { generation: 1, runId: `run-${id}` },
        { output: { kind: "inline", value: null }, polls: 0 },
      );
    }
    system.clock.advance(1);
    // Then one whose sender died between its put and its send: only the sweep can send it.
    const [strandedId] = idsInShard(1) as [string];
    await stranded("sweep-shard", strandedId);

    const report = await sweep();

    expect(report).toMatchObject({ found: 1, resent: 1 });
  });
});

describe("the resend sweep, under a fault at every call boundary", () => {
  suite.itHoldsUnderEveryFault(
    "a stranded task is sent by this sweep or a later one, and runs once",
    {
      operation: "resend sweep",
      setup: async (correlationId) => (await stranded(correlationId)).id,
      act: (deps) => sweep(deps),
      accepted: (_answer, id) => [id],
      check: ({ state: id }) => succeededOnce(system, id),
    },
  );
});
