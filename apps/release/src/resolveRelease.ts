import { HISTORY_PAGE_SIZE, STACK_OUTPUTS } from "./constants.js";
import { ReleaseContractError, StackNotFoundError } from "./errors.js";
import { type FailedOutcome, failed } from "./gates/gate.js";
import type { GitRepository } from "./gitRepository.js";
import { parseRelease, type Release, shortSha } from "./release.js";
import { findRecordedRelease } from "./releaseTrailer.js";
import type { StackGateway } from "./stackGateway.js";

/** Which release to promote, and what each stack runs now. */
export interface Promotion {
  from: string;
  to: string;
  /** The release to promote: the record every gate checks against. */
  release: Release;
  /** Where that record was read. */
  recordedBy:
    | { stack: string; how: "output" }
    | { stack: string; how: "history"; version?: number };
  /** `--release` was given: an explicitly chosen (usually earlier) release. */
  rollback: boolean;
  /** What the source stack runs now (its `release` output), if it has one. */
  sourceRelease?: Release;
  /** The source stack's `apiUrl` output, for the smoke test. */
  sourceApiUrl?: string;
  /** What the target stack runs now, if it has a readable `release` output. */
  targetRelease?: Release;
  /** Things the operator should know that do not stop the promotion. */
  warnings: string[];
}

export interface PromotionRequest {
  from: string;
  to: string;
  /** `--release <sha>`: promote this release instead of the one the source stack runs. */
  release?: string;
}

export type Resolution = { ok: true; promotion: Promotion } | { ok: false; outcome: FailedOutcome };

/**
 * Finds the release to promote. Without `--release` it is the source stack's `release` output.
 * With `--release <sha>` it is the record of that commit that a stack kept: the source's or the
 * target's current output, else an earlier promotion in either stack's update history (the
 * target's, for a rollback to what it ran before). Stack outputs of past updates are not
 * readable through the Automation API, which is why promotions record the release in their
 * update message.
 */
export async function resolveRelease(
  request: PromotionRequest,
  deps: { stacks: StackGateway; git: GitRepository },
): Promise<Resolution> {
  const { from, to } = request;
  const warnings: string[] = [];

  const sourceOutputs = await outputsOf(deps.stacks, from);
  if (!sourceOutputs.ok) return sourceOutputs;
  const targetOutputs = await outputsOf(deps.stacks, to);
  if (!targetOutputs.ok) return targetOutputs;

  let sourceRelease: Release | undefined;
  try {
    sourceRelease = releaseOutput(sourceOutputs.outputs, from);
  } catch (error) {
    if (!(error instanceof ReleaseContractError)) throw error;
    return {
      ok: false,
      outcome: failed(
        `${from}'s \`release\` output does not follow the contract`,
        [
          `Redeploy ${from} with the current Pulumi program (infra/), which exports \`release\` as { commit, dirty, bundles }.`,
        ],
        [error.message],
      ),
    };
  }

  let targetRelease: Release | undefined;
  try {
    targetRelease = releaseOutput(targetOutputs.outputs, to);
  } catch (error) {
    if (!(error instanceof ReleaseContractError)) throw error;
    warnings.push(`${error.message}; ${to}'s current release is treated as unknown.`);
  }

  const apiUrl = sourceOutputs.outputs[STACK_OUTPUTS.apiUrl];
  const common = {
    from,
    to,
    ...(sourceRelease ? { sourceRelease } : {}),
    ...(targetRelease ? { targetRelease } : {}),
    ...(typeof apiUrl === "string" && apiUrl !== "" ? { sourceApiUrl: apiUrl } : {}),
    warnings,
  };

  if (request.release === undefined) {
    if (!sourceRelease) {
      return {
        ok: false,
        outcome: failed(`${from} has no \`release\` output: nothing to promote`, [
          `Deploy ${from} first (the deploy workflow does it on every push to main; by hand: pnpm turbo build && pulumi up --stack ${from}).`,
        ]),
      };
    }
    return {
      ok: true,
      promotion: {
        ...common,
        release: sourceRelease,
        recordedBy: { stack: from, how: "output" },
        rollback: false,
      },
    };
  }

  const commit = await deps.git.resolveCommit(request.release);
  if (!commit) {
    return {
      ok: false,
      outcome: failed(`commit ${request.release} is not in this clone`, [
        "Fetch it: git fetch origin (in a shallow clone: git fetch --unshallow origin).",
        "Check the sha: the releases prod ran are in its history (pulumi stack history --stack <stack>).",
      ]),
    };
  }

  for (const [stack, release] of [
    [from, sourceRelease],
    [to, targetRelease],
  ] as const) {
    if (release?.commit === commit) {
      return {
        ok: true,
        promotion: { ...common, release, recordedBy: { stack, how: "output" }, rollback: true },
      };
    }
  }
  for (const stack of [from, to]) {
    const recorded = findRecordedRelease(
      commit,
      await deps.stacks.history(stack, HISTORY_PAGE_SIZE),
    );
    if (recorded) {
      return {
        ok: true,
        promotion: {
          ...common,
          release: recorded.release,
          recordedBy: {
            stack,
            how: "history",
            ...(recorded.version === undefined ? {} : { version: recorded.version }),
          },
          rollback: true,
        },
      };
    }
  }
  return {
    ok: false,
    outcome: failed(
      `no stack recorded release ${shortSha(commit)}: neither ${from} nor ${to} runs it, and no promotion in their last ${HISTORY_PAGE_SIZE} updates names it`,
      [
        `A rollback promotes a release that was promoted before, so its sha256s are on record. To release ${shortSha(commit)} anyway, deploy it to ${from} first:`,
        `git switch --detach ${commit} && pnpm install --frozen-lockfile && pnpm turbo build && pulumi up --stack ${from}`,
        `then promote it like any release: pnpm promote --from ${from} --to ${to}`,
      ],
    ),
  };
}

async function outputsOf(
  stacks: StackGateway,
  stack: string,
): Promise<{ ok: true; outputs: Record<string, unknown> } | { ok: false; outcome: FailedOutcome }> {
  try {
    return { ok: true, outputs: await stacks.outputs(stack) };
  } catch (error) {
    if (!(error instanceof StackNotFoundError)) throw error;
    return {
      ok: false,
      outcome: failed(error.message, [
        "Check which backend you are logged in to: pulumi whoami --verbose (PULUMI_BACKEND_URL selects an S3 backend; PULUMI_ACCESS_TOKEN Pulumi Cloud).",
        `Check the stack's name: pulumi stack ls. In Pulumi Cloud a stack of another organization is <org>/${stack}.`,
        `A stack that has never existed is created once, on purpose: pulumi stack init ${stack}.`,
      ]),
    };
  }
}

function releaseOutput(outputs: Record<string, unknown>, stack: string): Release | undefined {
  const value = outputs[STACK_OUTPUTS.release];
  if (value === undefined) return undefined;
  return parseRelease(value, `the \`release\` output of ${stack}`);
}
