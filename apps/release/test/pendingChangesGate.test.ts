import { describe, expect, it } from "vitest";
import { pendingChangesGate } from "../src/gates/pendingChangesGate.js";
import { FakeStackGateway, promotionOf, releaseOf } from "./helpers/fakes.js";

const release = releaseOf("current");
const lambdaUrn = "urn:pulumi:dev::tasklane::aws:lambda/function:Function::ingest";

function gateway(previewChanges: { op: string; urn: string }[] = []) {
  return new FakeStackGateway({
    dev: { outputs: { release }, history: [], previewChanges },
  });
}

describe("gate 3: no pending changes in the source stack", () => {
  it("passes when a preview of the source, expecting no changes, has none", async () => {
    const stacks = gateway();

    const outcome = await pendingChangesGate(promotionOf(release), stacks, {
      refresh: true,
    }).check();

    expect(outcome).toMatchObject({
      status: "passed",
      summary: "a preview of dev (refreshed) has no changes (40 resources unchanged)",
    });
    expect(stacks.calls).toEqual([
      {
        op: "preview",
        stack: "dev",
        options: { releaseCommit: release.commit, refresh: true, expectNoChanges: true },
      },
    ]);
  });

  it("fails naming each pending change and how to see and fix them", async () => {
    const stacks = gateway([
      { op: "update", urn: lambdaUrn },
      { op: "create", urn: "urn:pulumi:dev::tasklane::aws:sqs/queue:Queue::extra" },
    ]);

    const outcome = await pendingChangesGate(promotionOf(release), stacks, {
      refresh: false,
    }).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.summary).toBe(
      `dev has 2 pending changes: it does not run exactly what ${release.commit.slice(0, 12)} describes`,
    );
    expect(outcome.details).toEqual([
      `update   ${lambdaUrn}`,
      "create   urn:pulumi:dev::tasklane::aws:sqs/queue:Queue::extra",
    ]);
    expect(outcome.remedy[0]).toBe("See them: pulumi preview --stack dev --diff");
  });

  it("lists at most twenty changes", async () => {
    const changes = Array.from({ length: 25 }, (_, i) => ({
      op: "update",
      urn: `${lambdaUrn}${i}`,
    }));

    const outcome = await pendingChangesGate(promotionOf(release), gateway(changes), {
      refresh: true,
    }).check();

    expect(outcome.status === "failed" && outcome.details?.at(-1)).toBe("and 5 more");
  });

  it("is skipped for a rollback to a release the source no longer runs", async () => {
    const previous = releaseOf("previous");
    const stacks = gateway();

    const outcome = await pendingChangesGate(
      promotionOf(previous, { rollback: true, sourceRelease: release }),
      stacks,
      { refresh: true },
    ).check();

    expect(outcome.status).toBe("skipped");
    expect(stacks.calls).toEqual([]);
  });

  it("lets a failing preview throw, so the engine reports it as an error rather than a verdict", async () => {
    const stacks = new FakeStackGateway({
      dev: {
        outputs: {},
        history: [],
        previewChanges: [],
        previewError: new Error("no credentials"),
      },
    });

    await expect(
      pendingChangesGate(promotionOf(release), stacks, { refresh: true }).check(),
    ).rejects.toThrow("no credentials");
  });
});
