import { shortSha } from "../release.js";
import type { Promotion } from "../resolveRelease.js";
import type { StackGateway } from "../stackGateway.js";
import { failed, type Gate } from "./gate.js";

/** How many pending changes a failure lists before it says "and N more". */
const MAX_LISTED_CHANGES = 20;

/**
 * Gate 3: the source stack has no pending changes. A preview of the source from this commit,
 * expecting none, shows that the stack runs what the commit describes: nobody changed it by hand
 * (with `refresh`, drift appears as changes) and nothing else was deployed since.
 *
 * For a rollback to a release the source no longer runs, a preview of the source would only show
 * the rollback itself, so the gate is skipped: the release passed it when it was first promoted.
 */
export function pendingChangesGate(
  promotion: Promotion,
  stacks: StackGateway,
  options: { refresh: boolean; onOutput?: (text: string) => void },
): Gate {
  return {
    id: "pendingChanges",
    async check() {
      const { from, release } = promotion;
      if (promotion.sourceRelease?.commit !== release.commit) {
        return {
          status: "skipped",
          summary: `${from} runs ${promotion.sourceRelease ? shortSha(promotion.sourceRelease.commit) : "no release"}, not ${shortSha(release.commit)}; this release passed this gate when it was promoted before`,
        };
      }
      const preview = await stacks.preview(from, {
        releaseCommit: release.commit,
        refresh: options.refresh,
        expectNoChanges: true,
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      });
      if (preview.changes.length > 0) {
        const listed = preview.changes.slice(0, MAX_LISTED_CHANGES);
        const more = preview.changes.length - listed.length;
        return failed(
          `${from} has ${preview.changes.length} pending change${preview.changes.length === 1 ? "" : "s"}: it does not run exactly what ${shortSha(release.commit)} describes`,
          [
            `See them: pulumi preview --stack ${from} --diff${options.refresh ? " --refresh" : ""}`,
            `Redeploy ${from} from this commit (re-run the deploy workflow, or pulumi up --stack ${from}), let its smoke test pass, then promote.`,
            "If the change was made by hand in the AWS console, put it in the Pulumi program instead.",
          ],
          [
            ...listed.map((change) => `${change.op.padEnd(8)} ${change.urn}`),
            ...(more > 0 ? [`and ${more} more`] : []),
          ],
        );
      }
      return {
        status: "passed",
        summary: `a preview of ${from}${options.refresh ? " (refreshed)" : ""} has no changes${formatSummary(preview.summary)}`,
      };
    },
  };
}

function formatSummary(summary: Record<string, number>): string {
  const same = summary.same;
  return same ? ` (${same} resources unchanged)` : "";
}
