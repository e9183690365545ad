import { shortSha } from "../release.js";
import type { Promotion } from "../resolveRelease.js";
import { runSmokeTest, type SmokeTestApiFactory } from "../smokeTest.js";
import { failed, type Gate } from "./gate.js";

export interface SmokeTestGateOptions {
  /** False with `--skip-smoke-test`. */
  enabled: boolean;
  timeoutSeconds: number;
  pollIntervalMs?: number;
}

/**
 * Gate 4: the source stack's API answers end to end (`runSmokeTest`). Skipped with
 * `--skip-smoke-test`, and for a rollback to a release the source no longer runs: a smoke test of
 * the source would test its release, not this one.
 */
export function smokeTestGate(
  promotion: Promotion,
  apiFactory: SmokeTestApiFactory,
  options: SmokeTestGateOptions,
): Gate {
  return {
    id: "smokeTest",
    async check() {
      const { from, release } = promotion;
      if (!options.enabled) return { status: "skipped", summary: "skipped (--skip-smoke-test)" };
      if (promotion.sourceRelease?.commit !== release.commit) {
        return {
          status: "skipped",
          summary: `${from} does not run ${shortSha(release.commit)}, so a smoke test of ${from} would not test this release`,
        };
      }
      const apiUrl = promotion.sourceApiUrl;
      if (!apiUrl) {
        return failed(`${from} has no \`apiUrl\` output to test`, [
          `Deploy ${from} with the full program (infra/), which exports \`apiUrl\`; or pass --skip-smoke-test.`,
        ]);
      }
      return runSmokeTest(apiFactory(apiUrl), {
        stack: from,
        apiUrl,
        timeoutSeconds: options.timeoutSeconds,
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        tag: `pnpm promote ${release.commit}`,
      });
    },
  };
}
