/**
 * Exit codes of `pnpm promote`. Each gate has its own, so a pipeline (or an operator reading
 * `echo $?`) can tell "the release is not reproducible" from "dev has drifted" without parsing text.
 */
export const EXIT_CODES = {
  /** Promoted; or `--dry-run` finished; or the target already runs the release. */
  ok: 0,
  /** Something unexpected: the Pulumi CLI, the network, a bug. The message says what. */
  unexpected: 1,
  /** The command line is wrong (unknown flag, missing `--from`/`--to`, same stack twice). */
  usage: 2,
  /** Gate 1: the release cannot be resolved, or the working tree is not clean at its commit. */
  releaseGate: 3,
  /** Gate 2: bundles rebuilt here do not have the sha256 the source stack recorded. */
  bundlesGate: 4,
  /** Gate 3: the source stack has pending changes (its preview is not empty). */
  pendingChangesGate: 5,
  /** Gate 4: the smoke test against the source stack's API did not succeed. */
  smokeTestGate: 6,
  /** The operator declined, or no terminal to ask and no `--yes`. Nothing was deployed. */
  notConfirmed: 7,
  /** `up` of the target stack failed. The target may be partly updated: read the output. */
  upFailed: 8,
  /** `up` succeeded but the target's `release` output is not the release that was promoted. */
  verificationFailed: 9,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The four gates, in the order they run. */
export const GATES = {
  release: { order: 1, title: "Release and working tree", exitCode: EXIT_CODES.releaseGate },
  bundles: { order: 2, title: "Reproducible bundles", exitCode: EXIT_CODES.bundlesGate },
  pendingChanges: {
    order: 3,
    title: "No pending changes in the source stack",
    exitCode: EXIT_CODES.pendingChangesGate,
  },
  smokeTest: {
    order: 4,
    title: "Smoke test against the source stack",
    exitCode: EXIT_CODES.smokeTestGate,
  },
} as const;

export type GateId = keyof typeof GATES;

/** The stack outputs this tool reads: the contract with the Pulumi program (infra/). */
export const STACK_OUTPUTS = {
  /** `{ commit, dirty, bundles: { [functionName]: sha256 hex } }`. */
  release: "release",
  /** The HTTP API's base URL. */
  apiUrl: "apiUrl",
} as const;

/**
 * The line of an update's message that records the promoted release, so that a later rollback
 * finds the sha256s that were verified when that release was promoted (stack outputs of past
 * updates are not readable through the Automation API).
 */
export const RELEASE_TRAILER = "tasklane-release:";

/** How long the smoke test waits for its task to finish, by default. */
export const DEFAULT_SMOKE_TIMEOUT_SECONDS = 120;

/** The task type of the smoke test: it returns its input, so the output can be compared. */
export const SMOKE_TEST_TASK_TYPE = "echo";

/** How many updates of a stack's history are searched for a rollback's release record. */
export const HISTORY_PAGE_SIZE = 100;
