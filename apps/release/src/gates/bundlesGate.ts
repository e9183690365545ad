import { bundlePaths, FUNCTIONS } from "@tasklane/stack-config";
import type { BundleBuilder } from "../bundleBuilder.js";
import { type BundleMismatch, diffBundles } from "../release.js";
import type { Promotion } from "../resolveRelease.js";
import { failed, type Gate } from "./gate.js";

/**
 * Gate 2: the bundles rebuilt here are byte for byte the ones the source stack recorded, and so
 * are the zips `up` is about to deploy. This is invariant 7 checked where it matters: the target
 * receives exactly what ran in the source, and the build is shown reproducible on the way. The
 * rebuild goes to a temporary folder, so the second check is what proves the zips in
 * `apps/<app>/dist`, the ones `up` reads, are those bytes too.
 */
export function bundlesGate(promotion: Promotion, bundles: BundleBuilder): Gate {
  return {
    id: "bundles",
    async check() {
      const recordedBy = promotion.recordedBy.stack;
      const expected = promotion.release.bundles;

      const rebuilt = diffBundles(expected, await bundles.rebuild());
      if (rebuilt.length > 0) {
        return failed(
          `${countOf(rebuilt.length, "bundle")} rebuilt here ${rebuilt.length === 1 ? "differs" : "differ"} from what ${recordedBy} recorded: ${rebuilt.map((m) => m.name).join(", ")}`,
          [
            "Install exactly the locked dependencies (the bundles embed them): pnpm install --frozen-lockfile",
            "Check that the build is reproducible on this machine: pnpm --filter @tasklane/release test reproducibleBundles",
            `If ${recordedBy} was deployed from bundles built elsewhere (another toolchain, a dirty tree), redeploy it from CI and promote that release.`,
          ],
          rebuilt.map((m) => describeMismatch(m, recordedBy, "rebuilt here")),
        );
      }

      const onDisk = diffBundles(expected, await bundles.deployable());
      if (onDisk.length > 0) {
        return failed(
          `${countOf(onDisk.length, "zip")} that \`up\` would deploy ${onDisk.length === 1 ? "differs" : "differ"} from what ${recordedBy} recorded: ${onDisk.map((m) => m.name).join(", ")}`,
          [
            "Rebuild them from this commit: pnpm turbo build (pnpm promote does it before the gates).",
          ],
          onDisk.map((m) => describeMismatch(m, recordedBy, zipPath(m.name))),
        );
      }

      const count = Object.keys(expected).length;
      return {
        status: "passed",
        summary: `${countOf(count, "bundle")} rebuilt here and ${count === 1 ? "its zip" : "the zips"} to deploy match ${recordedBy}'s sha256s`,
      };
    },
  };
}

function describeMismatch(m: BundleMismatch, recordedBy: string, here: string): string {
  const short = (sha: string | undefined) => (sha === undefined ? "nothing" : sha.slice(0, 16));
  return `${m.name}: ${recordedBy} recorded ${short(m.expected)}; ${here}: ${short(m.actual)}`;
}

function zipPath(name: string): string {
  const spec = FUNCTIONS.find((f) => f.name === name);
  return spec ? bundlePaths(spec).zip : `the zip of ${name}`;
}

function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
