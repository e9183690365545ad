import { describe, expect, it } from "vitest";
import { releaseGate } from "../src/gates/releaseGate.js";
import { commitOf, fakeGit, promotionOf, releaseOf } from "./helpers/fakes.js";

const current = releaseOf("current");
const previous = releaseOf("previous");

/** Gate 1 for the current release, checked out at HEAD, with these paths changed in the tree. */
function checkUncommitted(uncommitted: string[]) {
  return releaseGate(promotionOf(current), fakeGit({ head: current.commit, uncommitted })).check();
}

describe("gate 1: release and working tree", () => {
  it("passes when HEAD is the release's commit and the tree is clean", async () => {
    // Prepare
    const gate = releaseGate(
      promotionOf(current, { targetRelease: previous }),
      fakeGit({
        head: current.commit,
        ancestry: { [`${previous.commit}>${current.commit}`]: true },
      }),
    );

    // Act
    const outcome = await gate.check();

    // Assess
    expect(outcome).toMatchObject({ status: "passed" });
    expect(outcome.summary).toContain(current.commit.slice(0, 12));
    expect(outcome.summary).toContain("the release dev runs");
  });

  it("fails when HEAD is another commit, and gives the exact git command, checking out nothing", async () => {
    const head = commitOf("somewhere else");
    const git = fakeGit({ head });

    const outcome = await releaseGate(promotionOf(current), git).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.details?.join("\n")).toContain(`HEAD is ${head.slice(0, 12)}`);
    expect(outcome.remedy).toContain(
      `Check out the release (dependencies follow its lockfile): git switch --detach ${current.commit} && pnpm install --frozen-lockfile`,
    );
    expect(await git.head()).toBe(head);
  });

  it("fails on uncommitted or untracked files, naming them", async () => {
    const outcome = await checkUncommitted(["infra/index.ts", "apps/producer/src/new.ts"]);

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.details?.[0]).toContain("infra/index.ts, apps/producer/src/new.ts");
    expect(outcome.remedy[0]).toBe("Commit or set them aside: git stash push --include-untracked");
  });

  it("says precisely what to do when only a stack file changed: commit what pulumi wrote to it", async () => {
    const outcome = await checkUncommitted(["Pulumi.prod.yaml"]);

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.details).toEqual([
      "Only the stack file Pulumi.prod.yaml changed: the Pulumi CLI writes settings it finds missing into Pulumi.<stack>.yaml (with the passphrase secrets provider, `encryptionsalt`), so the working tree is not the commit.",
    ]);
    expect(outcome.remedy[0]).toBe(
      "The stack file changed: commit the lines pulumi wrote (e.g. encryptionsalt): git diff Pulumi.prod.yaml && git commit Pulumi.prod.yaml. Then deploy dev from that commit and promote it (on main, pushing it does both).",
    );
    expect(outcome.remedy.join("\n")).not.toContain("git stash");
  });

  it("names every stack file that changed when only stack files did", async () => {
    const outcome = await checkUncommitted(["Pulumi.dev.yaml", "Pulumi.prod.yaml"]);

    expect(outcome.status === "failed" && outcome.details?.[0]).toContain(
      "Only the stack files Pulumi.dev.yaml, Pulumi.prod.yaml changed",
    );
  });

  it("gives the general advice when other files changed besides a stack file", async () => {
    const outcome = await checkUncommitted(["Pulumi.prod.yaml", "infra/index.ts"]);

    expect(outcome.status === "failed" && outcome.details?.[0]).toBe(
      "The working tree has uncommitted changes: Pulumi.prod.yaml, infra/index.ts.",
    );
    expect(outcome.status === "failed" && outcome.remedy[0]).toBe(
      "Commit or set them aside: git stash push --include-untracked",
    );
  });

  it("does not mistake the project file or a nested yaml for a stack file", async () => {
    for (const path of ["Pulumi.yaml", "infra/Pulumi.dev.yaml"]) {
      const outcome = await checkUncommitted([path]);

      expect(outcome.status === "failed" && outcome.details?.[0], path).toContain(
        "The working tree has uncommitted changes",
      );
    }
  });

  it("lists at most ten uncommitted paths", async () => {
    const uncommitted = Array.from({ length: 13 }, (_, i) => `file${i}.ts`);

    const outcome = await checkUncommitted(uncommitted);

    expect(outcome.status === "failed" && outcome.details?.[0]).toContain("file9.ts and 3 more");
  });

  it("fails when the source stack was deployed from a dirty tree: no commit describes its bytes", async () => {
    const dirty = releaseOf("current", { dirty: true });

    const outcome = await releaseGate(promotionOf(dirty), fakeGit({ head: dirty.commit })).check();

    expect(outcome.status).toBe("failed");
    expect(outcome.status === "failed" && outcome.details?.[0]).toContain("release.dirty is true");
    expect(outcome.status === "failed" && outcome.remedy.join("\n")).toContain(
      "commit what it writes there once, from pulumi stack init dev --secrets-provider <provider>",
    );
  });

  it("refuses to take the target back without --release, and says how to ask for it", async () => {
    // prod runs a release that is not an ancestor of dev's.
    const outcome = await releaseGate(
      promotionOf(previous, { targetRelease: current }),
      fakeGit({
        head: previous.commit,
        ancestry: { [`${current.commit}>${previous.commit}`]: false },
      }),
    ).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.details?.[0]).toContain("would take prod back or sideways");
    expect(outcome.remedy).toContain(
      `If that is what you want, say so: pnpm promote --from dev --to prod --release ${previous.commit}`,
    );
  });

  it("passes with a note when this clone cannot tell which release is newer", async () => {
    const outcome = await releaseGate(
      promotionOf(current, { targetRelease: previous }),
      fakeGit({ head: current.commit }),
    ).check();

    expect(outcome.status).toBe("passed");
    expect(outcome.status === "passed" && outcome.details?.[0]).toContain("git fetch --unshallow");
  });

  it("lets --release go back: a rollback is checked against its own commit", async () => {
    const outcome = await releaseGate(
      promotionOf(previous, {
        rollback: true,
        targetRelease: current,
        sourceRelease: current,
        recordedBy: { stack: "prod", how: "history", version: 41 },
      }),
      fakeGit({
        head: previous.commit,
        ancestry: { [`${current.commit}>${previous.commit}`]: false },
      }),
    ).check();

    expect(outcome).toMatchObject({ status: "passed" });
    expect(outcome.summary).toContain("the release prod recorded when it was promoted (update 41)");
  });

  it("reports every problem at once, stash before switch", async () => {
    const outcome = await releaseGate(
      promotionOf(current),
      fakeGit({ head: commitOf("other"), uncommitted: ["README.md"] }),
    ).check();

    expect(outcome.status === "failed" && outcome.details).toHaveLength(2);
    expect(outcome.status === "failed" && outcome.remedy.map((r) => r.split(":")[0])).toEqual([
      "Commit or set them aside",
      "Check out the release (dependencies follow its lockfile)",
      "Then run pnpm promote again.",
    ]);
  });
});
