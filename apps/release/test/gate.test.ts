import { describe, expect, it } from "vitest";
import { failed, type Gate, type GateOutcome, runGates } from "../src/gates/gate.js";

function gate(id: Gate["id"], outcome: GateOutcome | Error, ran: string[]): Gate {
  return {
    id,
    async check() {
      ran.push(id);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

const pass: GateOutcome = { status: "passed", summary: "ok" };

describe("runGates", () => {
  it("runs every gate in order when they pass or are skipped", async () => {
    const ran: string[] = [];

    const run = await runGates([
      gate("release", pass, ran),
      gate("bundles", pass, ran),
      gate("pendingChanges", { status: "skipped", summary: "n/a" }, ran),
      gate("smokeTest", pass, ran),
    ]);

    expect(run.ok).toBe(true);
    expect(ran).toEqual(["release", "bundles", "pendingChanges", "smokeTest"]);
  });

  it("stops at the first failure: later gates do not run", async () => {
    const ran: string[] = [];

    const run = await runGates([
      gate("release", pass, ran),
      gate("bundles", failed("differs", ["rebuild"]), ran),
      gate("pendingChanges", pass, ran),
    ]);

    expect(ran).toEqual(["release", "bundles"]);
    expect(!run.ok && run.stoppedAt).toEqual({
      id: "bundles",
      outcome: { status: "failed", summary: "differs", remedy: ["rebuild"] },
    });
  });

  it("turns a check that throws into an error result, and stops", async () => {
    const ran: string[] = [];
    const boom = new Error("pulumi: not logged in");

    const run = await runGates([gate("pendingChanges", boom, ran), gate("smokeTest", pass, ran)]);

    expect(!run.ok && run.stoppedAt.outcome).toEqual({ status: "error", error: boom });
    expect(ran).toEqual(["pendingChanges"]);
  });

  it("tells its hooks when each gate starts and ends", async () => {
    const events: string[] = [];

    await runGates([gate("release", pass, []), gate("bundles", pass, [])], {
      onStart: (id) => events.push(`start ${id}`),
      onResult: (result) => events.push(`${result.outcome.status} ${result.id}`),
    });

    expect(events).toEqual(["start release", "passed release", "start bundles", "passed bundles"]);
  });
});
