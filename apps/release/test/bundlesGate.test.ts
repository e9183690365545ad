import { FUNCTIONS } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { bundlesGate } from "../src/gates/bundlesGate.js";
import { fakeBundles, promotionOf, releaseOf, sha256Of } from "./helpers/fakes.js";

const release = releaseOf("current");

describe("gate 2: reproducible bundles", () => {
  it("passes when every rebuilt bundle and every zip to deploy has the recorded sha256", async () => {
    const bundles = fakeBundles(release.bundles);

    const outcome = await bundlesGate(promotionOf(release), bundles).check();

    expect(outcome).toMatchObject({ status: "passed" });
    expect(outcome.summary).toBe(
      `${FUNCTIONS.length} bundles rebuilt here and the zips to deploy match dev's sha256s`,
    );
    expect(bundles.rebuilds).toBe(1);
  });

  it("fails naming every function whose rebuilt bundle differs", async () => {
    const rebuilt = {
      ...release.bundles,
      ingest: sha256Of("drifted ingest"),
      "mark-failed": sha256Of("drifted mark-failed"),
    };

    const outcome = await bundlesGate(promotionOf(release), fakeBundles(rebuilt)).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.summary).toBe(
      "2 bundles rebuilt here differ from what dev recorded: ingest, mark-failed",
    );
    expect(outcome.details).toEqual([
      `ingest: dev recorded ${release.bundles.ingest?.slice(0, 16)}; rebuilt here: ${rebuilt.ingest.slice(0, 16)}`,
      `mark-failed: dev recorded ${release.bundles["mark-failed"]?.slice(0, 16)}; rebuilt here: ${rebuilt["mark-failed"].slice(0, 16)}`,
    ]);
    expect(outcome.remedy[0]).toContain("pnpm install --frozen-lockfile");
  });

  it("fails on a function dev recorded that is not built here, and on one dev never had", async () => {
    const { retry: _gone, ...rebuilt } = release.bundles;

    const outcome = await bundlesGate(
      promotionOf(release),
      fakeBundles({ ...rebuilt, thumbnail: sha256Of("new function") }),
    ).check();

    expect(outcome.status === "failed" && outcome.details).toEqual([
      expect.stringMatching(/^retry: dev recorded [0-9a-f]{16}; rebuilt here: nothing$/),
      expect.stringMatching(/^thumbnail: dev recorded nothing; rebuilt here: [0-9a-f]{16}$/),
    ]);
  });

  it("fails when the zips `up` would deploy are stale or missing, naming their paths", async () => {
    const deployable = { ...release.bundles, status: sha256Of("stale"), catalog: undefined };

    const outcome = await bundlesGate(
      promotionOf(release),
      fakeBundles(release.bundles, deployable),
    ).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.summary).toBe(
      "2 zips that `up` would deploy differ from what dev recorded: catalog, status",
    );
    expect(outcome.details?.[0]).toMatch(
      /^catalog: dev recorded [0-9a-f]{16}; apps\/producer\/dist\/catalog\.zip: nothing$/,
    );
    expect(outcome.remedy[0]).toContain("pnpm turbo build");
  });

  it("compares with the record of a rollback's release, whoever recorded it", async () => {
    const previous = releaseOf("previous");
    const promotion = promotionOf(previous, {
      rollback: true,
      recordedBy: { stack: "prod", how: "history", version: 7 },
    });

    const outcome = await bundlesGate(promotion, fakeBundles(release.bundles)).check();

    expect(outcome.status === "failed" && outcome.summary).toBe(
      `${FUNCTIONS.length} bundles rebuilt here differ from what prod recorded: ${FUNCTIONS.map(
        (f) => f.name,
      )
        .sort()
        .join(", ")}`,
    );
  });
});
