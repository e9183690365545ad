import { describe, expect, it } from "vitest";
import { releaseUpdateMessage } from "../src/releaseTrailer.js";
import { resolveRelease } from "../src/resolveRelease.js";
import type { StackUpdate } from "../src/stackGateway.js";
import { commitOf, FakeStackGateway, fakeGit, releaseOf } from "./helpers/fakes.js";

const current = releaseOf("current");
const previous = releaseOf("previous");
const apiUrl = "https://abc123.execute-api.us-east-1.amazonaws.com";

function promotionUpdate(release = previous, overrides: Partial<StackUpdate> = {}): StackUpdate {
  return {
    version: 5,
    kind: "update",
    result: "succeeded",
    message: releaseUpdateMessage({ release, from: "dev", to: "prod", rollback: false }),
    environment: { "git.head": release.commit },
    ...overrides,
  };
}

function stacks(
  dev: Record<string, unknown>,
  prod: Record<string, unknown>,
  prodHistory: StackUpdate[] = [],
) {
  return new FakeStackGateway({
    dev: { outputs: dev, history: [], previewChanges: [] },
    prod: { outputs: prod, history: prodHistory, previewChanges: [] },
  });
}

describe("resolveRelease", () => {
  it("promotes the release the source stack runs, with its API URL and the target's release", async () => {
    const resolution = await resolveRelease(
      { from: "dev", to: "prod" },
      {
        stacks: stacks({ release: current, apiUrl }, { release: previous }),
        git: fakeGit({ head: current.commit }),
      },
    );

    expect(resolution).toEqual({
      ok: true,
      promotion: {
        from: "dev",
        to: "prod",
        release: current,
        recordedBy: { stack: "dev", how: "output" },
        rollback: false,
        sourceRelease: current,
        sourceApiUrl: apiUrl,
        targetRelease: previous,
        warnings: [],
      },
    });
  });

  it("fails when the source stack has no release output", async () => {
    const resolution = await resolveRelease(
      { from: "dev", to: "prod" },
      { stacks: stacks({ apiUrl }, {}), git: fakeGit({ head: current.commit }) },
    );

    expect(resolution.ok).toBe(false);
    expect(!resolution.ok && resolution.outcome.remedy[0]).toContain("pulumi up --stack dev");
  });

  it("fails naming the field when the source's release output breaks the contract", async () => {
    const resolution = await resolveRelease(
      { from: "dev", to: "prod" },
      {
        stacks: stacks({ release: { ...current, commit: "abc" } }, {}),
        git: fakeGit({ head: current.commit }),
      },
    );

    expect(!resolution.ok && resolution.outcome.details).toEqual([
      "the `release` output of dev: `commit` must be a full 40-character git sha",
    ]);
  });

  it("warns and goes on when the target's release output breaks the contract", async () => {
    const resolution = await resolveRelease(
      { from: "dev", to: "prod" },
      {
        stacks: stacks({ release: current }, { release: "v1" }),
        git: fakeGit({ head: current.commit }),
      },
    );

    expect(resolution.ok && resolution.promotion.warnings).toEqual([
      "the `release` output of prod is not an object; prod's current release is treated as unknown.",
    ]);
  });

  it.each(["dev", "prod"])(
    "fails with what to check when stack %s does not exist",
    async (missing) => {
      const gateway = new FakeStackGateway({
        [missing === "dev" ? "prod" : "dev"]: { outputs: {}, history: [], previewChanges: [] },
      });

      const resolution = await resolveRelease(
        { from: "dev", to: "prod" },
        { stacks: gateway, git: fakeGit({ head: current.commit }) },
      );

      expect(!resolution.ok && resolution.outcome.summary).toBe(
        `stack \`${missing}\` was not found in the state backend you are logged in to`,
      );
      expect(!resolution.ok && resolution.outcome.remedy[0]).toContain("pulumi whoami --verbose");
    },
  );

  describe("--release", () => {
    it("finds an earlier release in the target's history of promotions, by a short sha", async () => {
      const resolution = await resolveRelease(
        { from: "dev", to: "prod", release: previous.commit.slice(0, 7) },
        {
          stacks: stacks({ release: current }, { release: current }, [
            promotionUpdate(current),
            promotionUpdate(),
          ]),
          git: fakeGit({ head: previous.commit, commits: [current.commit] }),
        },
      );

      expect(resolution.ok && resolution.promotion).toMatchObject({
        release: previous,
        recordedBy: { stack: "prod", how: "history", version: 5 },
        rollback: true,
        sourceRelease: current,
      });
    });

    it("uses a stack's current output when it runs that release", async () => {
      const resolution = await resolveRelease(
        { from: "dev", to: "prod", release: previous.commit },
        {
          stacks: stacks({ release: current }, { release: previous }),
          git: fakeGit({ head: previous.commit }),
        },
      );

      expect(resolution.ok && resolution.promotion.recordedBy).toEqual({
        stack: "prod",
        how: "output",
      });
    });

    it("fails for a commit this clone does not have, saying to fetch it", async () => {
      const resolution = await resolveRelease(
        { from: "dev", to: "prod", release: "deadbeef" },
        { stacks: stacks({ release: current }, {}), git: fakeGit({ head: current.commit }) },
      );

      expect(!resolution.ok && resolution.outcome.summary).toBe(
        "commit deadbeef is not in this clone",
      );
      expect(!resolution.ok && resolution.outcome.remedy[0]).toContain("git fetch");
    });

    it("fails for a release no stack recorded", async () => {
      const other = commitOf("other");

      const resolution = await resolveRelease(
        { from: "dev", to: "prod", release: other },
        {
          stacks: stacks({ release: current }, { release: current }, [promotionUpdate()]),
          git: fakeGit({ head: other }),
        },
      );

      expect(!resolution.ok && resolution.outcome.summary).toContain(
        `no stack recorded release ${other.slice(0, 12)}`,
      );
    });
  });
});
