import { FUNCTIONS } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { failed } from "../src/gates/gate.js";
import {
  errorLines,
  formatChangeSummary,
  formatGateResult,
  formatPromotion,
  rollbackCommand,
} from "../src/humanReport.js";
import { promotionOf, releaseOf } from "./helpers/fakes.js";

describe("the human report", () => {
  it("counts only operations that change something; refreshing and reading do not", () => {
    expect(formatChangeSummary({ same: 38, refresh: 40, read: 2, update: 2, create: 1 })).toBe(
      "2 update, 1 create (38 unchanged)",
    );
    expect(formatChangeSummary({ same: 40 })).toBe("no changes (40 unchanged)");
  });

  it("prints a failed gate with its details and what to do, indented under it", () => {
    expect(
      formatGateResult({
        id: "bundles",
        outcome: failed("1 bundle differs", ["pnpm install --frozen-lockfile"], ["ingest: ..."]),
      }),
    ).toEqual([
      "[2/4] FAIL  Reproducible bundles: 1 bundle differs",
      "        ingest: ...",
      "      What to do:",
      "        - pnpm install --frozen-lockfile",
    ]);
  });

  it("prints a gate that could not decide with the error's lines", () => {
    const lines = formatGateResult({
      id: "pendingChanges",
      outcome: {
        status: "error",
        error: new Error("code: 255\nstderr: error: no stack named 'dev'"),
      },
    });

    expect(lines.slice(0, 3)).toEqual([
      "[3/4] ERROR No pending changes in the source stack: the check itself failed, so it could not decide",
      "        code: 255",
      "        stderr: error: no stack named 'dev'",
    ]);
  });

  it("says where the release was recorded and what the target runs", () => {
    const previous = releaseOf("previous");
    const lines = formatPromotion(
      promotionOf(previous, {
        recordedBy: { stack: "prod", how: "history", version: 11 },
        targetRelease: releaseOf("current"),
      }),
    );

    expect(lines[0]).toBe(
      `Release ${previous.commit.slice(0, 12)} (commit ${previous.commit}, ${FUNCTIONS.length} bundles), as recorded by the history of prod (update 11).`,
    );
    expect(lines[1]).toBe(`prod runs ${releaseOf("current").commit.slice(0, 12)} now.`);
  });

  it("gives a rollback command that checks out, installs and promotes the full sha", () => {
    const previous = releaseOf("previous");

    expect(rollbackCommand("dev", "prod", previous)).toBe(
      `git switch --detach ${previous.commit} && pnpm install --frozen-lockfile && pnpm promote --from dev --to prod --release ${previous.commit}`,
    );
  });

  it("cuts a Pulumi CLI failure down to its code, stderr and the end of its output", () => {
    const stdout = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const error = new Error(
      `code: 255\n stdout: ${stdout}\n stderr: error: update failed\n err?: \n`,
    );

    expect(errorLines(error)).toEqual([
      "the Pulumi CLI exited with code 255",
      "… (its output, last lines:)",
      ...Array.from({ length: 15 }, (_, i) => `line ${i + 15}`),
      "error: update failed",
    ]);
  });

  it("keeps any other error's message, line by line", () => {
    expect(errorLines(new Error("one\n\ntwo  "))).toEqual(["one", "two"]);
    expect(errorLines("plain")).toEqual(["plain"]);
  });
});
