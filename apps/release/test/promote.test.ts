import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/constants.js";
import { promote } from "../src/promote.js";
import { releaseFromMessage } from "../src/releaseTrailer.js";
import { commitOf, DEFAULT_OPTIONS, releaseOf, sha256Of, world } from "./helpers/fakes.js";

describe("promote", () => {
  it("happy path: runs the four gates in order, previews prod, deploys it and verifies the release", async () => {
    // Prepare
    const w = world();

    // Act
    const result = await promote(DEFAULT_OPTIONS, w.deps);

    // Assess
    expect(result.exitCode).toBe(EXIT_CODES.ok);
    expect(result.deployed).toBe(true);
    expect(result.gates.map((g) => [g.id, g.outcome.status])).toEqual([
      ["release", "passed"],
      ["bundles", "passed"],
      ["pendingChanges", "passed"],
      ["smokeTest", "passed"],
    ]);
    expect(w.stacks.operations()).toEqual(["preview:dev", "preview:prod", "up:prod"]);
    expect(w.output.problems).toEqual([]);
    expect(w.output.text()).toContain(
      `To roll back: git switch --detach ${w.previous.commit} && pnpm install --frozen-lockfile && pnpm promote --from dev --to prod --release ${w.previous.commit}`,
    );
  });

  it("pins the release's commit and the refresh setting on every Pulumi operation", async () => {
    const w = world();

    await promote({ ...DEFAULT_OPTIONS, refresh: false }, w.deps);

    for (const call of w.stacks.calls) {
      if (call.op === "preview" || call.op === "up") {
        expect(call.options).toMatchObject({ releaseCommit: w.current.commit, refresh: false });
      }
    }
  });

  it("makes the program refuse other bytes: prod's preview and up expect the release's sha256s", async () => {
    const w = world();

    await promote(DEFAULT_OPTIONS, w.deps);

    const operations = w.stacks.calls.flatMap((c) =>
      c.op === "preview" || c.op === "up" ? [{ at: `${c.op}:${c.stack}`, options: c.options }] : [],
    );
    expect(operations.map((o) => [o.at, o.options.expectedBundles])).toEqual([
      // Gate 3 previews dev as it is; only what goes to prod is held to the release.
      ["preview:dev", undefined],
      ["preview:prod", w.current.bundles],
      ["up:prod", w.current.bundles],
    ]);
  });

  it("records the promoted release in the update's message, where a rollback finds it", async () => {
    const w = world();

    await promote(DEFAULT_OPTIONS, w.deps);

    const up = w.stacks.calls.find((c) => c.op === "up");
    expect(up?.op === "up" && up.options.message.split("\n")[0]).toBe(
      `promote ${w.current.commit.slice(0, 12)} from dev to prod`,
    );
    expect(up?.op === "up" && releaseFromMessage(up.options.message)).toEqual(w.current);
  });

  it.each([
    [
      "1: the working tree",
      { git: { head: commitOf("elsewhere") } },
      "release",
      EXIT_CODES.releaseGate,
    ],
    [
      "2: the bundles",
      { rebuilt: { ...releaseOf("current").bundles, ingest: sha256Of("other") } },
      "bundles",
      EXIT_CODES.bundlesGate,
    ],
    [
      "3: pending changes",
      { dev: { previewChanges: [{ op: "update", urn: "urn:pulumi:dev::tasklane::x::y" }] } },
      "pendingChanges",
      EXIT_CODES.pendingChangesGate,
    ],
    [
      "4: the smoke test",
      { api: { status: "failed" as const } },
      "smokeTest",
      EXIT_CODES.smokeTestGate,
    ],
  ])(
    "stops at gate %s with its exit code, runs no later gate and touches no stack",
    async (_name, options, id, exitCode) => {
      const w = world(options);

      const result = await promote(DEFAULT_OPTIONS, w.deps);

      expect(result.exitCode).toBe(exitCode);
      expect(result.deployed).toBe(false);
      expect(result.gates.at(-1)).toMatchObject({ id, outcome: { status: "failed" } });
      expect(w.stacks.operations()).not.toContain("up:prod");
      expect(w.stacks.operations()).not.toContain("preview:prod");
      expect(w.output.problems.join("\n")).toContain("What to do:");
    },
  );

  it("reports a gate whose check throws as an error (exit 1), not as a verdict", async () => {
    const w = world({
      dev: { previewError: new Error("error: failed to decrypt the stack's secrets") },
    });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.unexpected);
    expect(w.output.problems.join("\n")).toContain(
      "[3/4] ERROR No pending changes in the source stack: the check itself failed",
    );
    expect(w.output.problems.join("\n")).toContain("failed to decrypt the stack's secrets");
  });

  it("fails gate 1 when dev has no release to promote, before building anything", async () => {
    const w = world({ dev: { outputs: {} } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.releaseGate);
    expect(w.bundles.rebuilds).toBe(0);
    expect(w.output.problems[0]).toBe(
      "[1/4] FAIL  Release and working tree: dev has no `release` output: nothing to promote",
    );
  });

  it("--dry-run stops after the preview of prod", async () => {
    const w = world();

    const result = await promote({ ...DEFAULT_OPTIONS, dryRun: true, yes: false }, w.deps);

    expect(result).toMatchObject({ exitCode: EXIT_CODES.ok, deployed: false });
    expect(w.stacks.operations()).toEqual(["preview:dev", "preview:prod"]);
    expect(w.confirmations).toEqual([]);
    expect(w.output.text()).toContain("prod would change: 1 update (39 unchanged)");
    expect(w.output.text()).toContain("Dry run: stopped before deploying.");
  });

  it("shows the preview of prod to the operator as Pulumi prints it", async () => {
    const w = world();

    await promote(DEFAULT_OPTIONS, w.deps);

    expect(w.output.raws).toContain("Previewing update (prod)\n");
  });

  it("asks for confirmation by the target's name without --yes, and deploys once given", async () => {
    const w = world({ confirm: true });

    const result = await promote({ ...DEFAULT_OPTIONS, yes: false }, w.deps);

    expect(w.confirmations).toEqual([
      `Deploy release ${w.current.commit.slice(0, 12)} to prod? Type "prod" to confirm: `,
    ]);
    expect(result.deployed).toBe(true);
  });

  it("deploys nothing when the operator declines (exit 7)", async () => {
    const w = world({ confirm: false });

    const result = await promote({ ...DEFAULT_OPTIONS, yes: false }, w.deps);

    expect(result).toMatchObject({ exitCode: EXIT_CODES.notConfirmed, deployed: false });
    expect(w.stacks.operations()).not.toContain("up:prod");
    expect(w.output.problems).toEqual(["Not deployed: not confirmed."]);
  });

  it("deploys nothing without a terminal to ask on and without --yes, and says to pass --yes", async () => {
    const w = world({ confirm: undefined });

    const result = await promote({ ...DEFAULT_OPTIONS, yes: false }, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.notConfirmed);
    expect(w.output.problems[0]).toContain("Pass --yes");
  });

  it("--yes does not ask", async () => {
    const w = world();

    await promote(DEFAULT_OPTIONS, w.deps);

    expect(w.confirmations).toEqual([]);
  });

  it("does nothing when prod already runs the release and its preview is empty", async () => {
    const current = releaseOf("current");
    const w = world({ prod: { outputs: { release: current }, previewChanges: [] } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result).toMatchObject({ exitCode: EXIT_CODES.ok, deployed: false });
    expect(w.output.text()).toContain(`prod already runs release ${current.commit.slice(0, 12)}`);
    expect(w.stacks.operations()).not.toContain("up:prod");
  });

  it("deploys a first release to a prod that has none", async () => {
    const w = world({ prod: { outputs: {} } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.ok);
    expect(w.output.text()).toContain("prod has no release yet.");
  });

  it("reports a failed update (exit 8) with the command that goes back to what prod ran", async () => {
    const w = world({
      prod: { upError: new Error("error: update failed\n  aws:lambda:Function ingest: throttled") },
    });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.upFailed);
    const problems = w.output.problems.join("\n");
    expect(problems).toContain("aws:lambda:Function ingest: throttled");
    expect(problems).toContain(`--release ${w.previous.commit}`);
  });

  it("fails verification (exit 9) when prod's new release output is not the promoted release", async () => {
    const tampered = releaseOf("current", {
      bundles: { ...releaseOf("current").bundles, status: sha256Of("something else") },
    });
    const w = world({ prod: { upOutputs: { release: tampered } } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result).toMatchObject({ exitCode: EXIT_CODES.verificationFailed, deployed: true });
    expect(w.output.problems.join("\n")).toContain(
      `status: ${sha256Of("something else")}, expected ${w.current.bundles.status}`,
    );
  });

  it("fails verification when prod exports no release at all", async () => {
    const w = world({ prod: { upOutputs: {} } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.verificationFailed);
  });

  it("stops with exit 1 when the preview of prod fails, deploying nothing", async () => {
    const w = world({ prod: { previewError: new Error("error: program failed") } });

    const result = await promote(DEFAULT_OPTIONS, w.deps);

    expect(result.exitCode).toBe(EXIT_CODES.unexpected);
    expect(w.output.problems[0]).toBe("The preview of prod failed; nothing was deployed:");
    expect(w.stacks.operations()).not.toContain("up:prod");
  });

  describe("rollback with --release", () => {
    /** dev and prod both run `current`; prod's history holds the promotion of `previous`. */
    function rollbackWorld(head: "previous" | "current" = "previous") {
      const current = releaseOf("current");
      const previous = releaseOf("previous");
      return world({
        git: {
          head: head === "previous" ? previous.commit : current.commit,
          commits: [previous.commit, current.commit],
          ancestry: {
            [`${previous.commit}>${current.commit}`]: true,
            [`${current.commit}>${previous.commit}`]: false,
          },
        },
        rebuilt: previous.bundles,
        prod: {
          outputs: { release: current },
          history: [
            {
              version: 12,
              kind: "update",
              result: "succeeded",
              message: `promote ${current.commit.slice(0, 12)} from dev to prod\ntasklane-release: ${JSON.stringify(current)}`,
              environment: { "git.head": current.commit },
            },
            {
              version: 11,
              kind: "update",
              result: "succeeded",
              message: `promote ${previous.commit.slice(0, 12)} from dev to prod\ntasklane-release: ${JSON.stringify(previous)}`,
              environment: { "git.head": previous.commit },
            },
          ],
          upOutputs: { release: previous },
        },
      });
    }

    it("promotes an earlier release prod ran, checked against the sha256s recorded when it was promoted", async () => {
      const w = rollbackWorld();

      const result = await promote(
        { ...DEFAULT_OPTIONS, release: w.previous.commit.slice(0, 8) },
        w.deps,
      );

      expect(result.exitCode).toBe(EXIT_CODES.ok);
      expect(result.promotion?.recordedBy).toEqual({ stack: "prod", how: "history", version: 11 });
      expect(result.gates.map((g) => g.outcome.status)).toEqual([
        "passed",
        "passed",
        "skipped",
        "skipped",
      ]);
      expect(w.stacks.operations()).toEqual(["preview:prod", "up:prod"]);
      const up = w.stacks.calls.find((c) => c.op === "up");
      expect(up?.op === "up" && up.options.message.split("\n")[0]).toBe(
        `roll back to ${w.previous.commit.slice(0, 12)} from dev to prod`,
      );
    });

    it("fails gate 1 with the git command when the release is not checked out, checking out nothing", async () => {
      const w = rollbackWorld("current");

      const result = await promote({ ...DEFAULT_OPTIONS, release: w.previous.commit }, w.deps);

      expect(result.exitCode).toBe(EXIT_CODES.releaseGate);
      expect(w.output.problems.join("\n")).toContain(`git switch --detach ${w.previous.commit}`);
      expect(await w.deps.git.head()).toBe(w.current.commit);
    });

    it("fails gate 1 for a commit no stack recorded, saying how to release it through dev", async () => {
      const unknown = commitOf("never deployed");
      const w = world({ git: { head: unknown, commits: [unknown] } });

      const result = await promote({ ...DEFAULT_OPTIONS, release: unknown }, w.deps);

      expect(result.exitCode).toBe(EXIT_CODES.releaseGate);
      expect(w.output.problems.join("\n")).toContain(
        `git switch --detach ${unknown} && pnpm install --frozen-lockfile && pnpm turbo build && pulumi up --stack dev`,
      );
    });
  });
});
