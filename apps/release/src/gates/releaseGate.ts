import type { GitRepository } from "../gitRepository.js";
import { shortSha } from "../release.js";
import type { Promotion } from "../resolveRelease.js";
import { failed, type Gate } from "./gate.js";

/** How many uncommitted paths a failure lists before it says "and N more". */
const MAX_LISTED_PATHS = 10;

/** A stack's settings file, `Pulumi.<stack>.yaml`, at the repository root. */
const STACK_FILE = /^Pulumi\.[^/]+\.yaml$/;

/**
 * Gate 1: the release is described by a commit, and the working tree is exactly that commit.
 * Everything after this gate builds and deploys from the working tree, so this is what makes
 * "the release" and "what this machine deploys" the same thing. Nothing is checked out here: the
 * failure prints the git command to run.
 *
 * Without `--release`, it also refuses to move the target to a release that is not a descendant
 * of the one it runs (a silent rollback); `--release` is how a rollback is asked for.
 */
export function releaseGate(promotion: Promotion, git: GitRepository): Gate {
  return {
    id: "release",
    async check() {
      const { release, from, to } = promotion;
      const problems: string[] = [];
      const remedy: string[] = [];

      if (release.dirty) {
        problems.push(
          `${promotion.recordedBy.stack} was deployed from a working tree with uncommitted changes (release.dirty is true): no commit describes its bytes.`,
        );
        remedy.push(
          `Deploy ${from} from a clean checkout (the deploy workflow does), then promote that release.`,
          `If the deploy workflow did deploy it, the Pulumi CLI most likely wrote into Pulumi.${from}.yaml during the run (the \`encryptionsalt\` of the passphrase secrets provider): commit what it writes there once, from pulumi stack init ${from} --secrets-provider <provider> (or, for an existing stack, pulumi preview --stack ${from}); see docs/release.md, The state backend.`,
        );
      }

      const uncommitted = await git.uncommittedPaths();
      if (uncommitted.length > 0 && uncommitted.every((path) => STACK_FILE.test(path))) {
        // The Pulumi CLI writes settings it finds missing into the stack file, e.g. the
        // passphrase provider's `encryptionsalt`: a clean checkout turns dirty on its own.
        const files = uncommitted.join(", ");
        problems.push(
          `Only the stack file${uncommitted.length === 1 ? "" : "s"} ${files} changed: the Pulumi CLI writes settings it finds missing into Pulumi.<stack>.yaml (with the passphrase secrets provider, \`encryptionsalt\`), so the working tree is not the commit.`,
        );
        remedy.push(
          `The stack file changed: commit the lines pulumi wrote (e.g. encryptionsalt): git diff ${uncommitted.join(" ")} && git commit ${uncommitted.join(" ")}. Then deploy ${from} from that commit and promote it (on main, pushing it does both).`,
        );
      } else if (uncommitted.length > 0) {
        const listed = uncommitted.slice(0, MAX_LISTED_PATHS);
        const more = uncommitted.length - listed.length;
        problems.push(
          `The working tree has uncommitted changes: ${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`,
        );
        remedy.push("Commit or set them aside: git stash push --include-untracked");
      }

      const head = await git.head();
      if (head !== release.commit) {
        problems.push(
          `HEAD is ${shortSha(head)}, but the release to promote is ${shortSha(release.commit)}.`,
        );
        remedy.push(
          `Check out the release (dependencies follow its lockfile): git switch --detach ${release.commit} && pnpm install --frozen-lockfile`,
        );
      }

      const notes: string[] = [];
      const current = promotion.targetRelease;
      if (!promotion.rollback && current && current.commit !== release.commit) {
        const forward = await git.isAncestor(current.commit, release.commit);
        if (forward === false) {
          problems.push(
            `${from}'s release ${shortSha(release.commit)} does not descend from ${shortSha(current.commit)}, which ${to} runs: promoting it would take ${to} back or sideways.`,
          );
          remedy.push(
            `If that is what you want, say so: pnpm promote --from ${from} --to ${to} --release ${release.commit}`,
          );
        } else if (forward === undefined) {
          notes.push(
            `Cannot tell whether ${shortSha(release.commit)} is newer than ${to}'s ${shortSha(current.commit)}: this clone lacks the history (git fetch --unshallow).`,
          );
        }
      }

      if (problems.length > 0) {
        return failed(
          "the working tree is not the release to promote",
          [...remedy, "Then run pnpm promote again."],
          problems,
        );
      }
      const where =
        promotion.recordedBy.how === "output"
          ? `the release ${promotion.recordedBy.stack} runs`
          : `the release ${promotion.recordedBy.stack} recorded when it was promoted${
              promotion.recordedBy.version === undefined
                ? ""
                : ` (update ${promotion.recordedBy.version})`
            }`;
      return {
        status: "passed",
        summary: `HEAD is ${shortSha(head)}, ${where}; the working tree is clean`,
        ...(notes.length ? { details: notes } : {}),
      };
    },
  };
}
