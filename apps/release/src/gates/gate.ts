import type { GateId } from "../constants.js";

/** The result of one gate. A failure always says what to do about it. */
export type GateOutcome =
  | { status: "passed"; summary: string; details?: string[] }
  | { status: "skipped"; summary: string }
  | { status: "failed"; summary: string; details?: string[]; remedy: string[] };

export type FailedOutcome = Extract<GateOutcome, { status: "failed" }>;

/** A gate that could not decide: its check threw (the Pulumi CLI failed, the network broke). */
export interface ErroredOutcome {
  status: "error";
  error: unknown;
}

/** One check a release must pass before it reaches the target stack. */
export interface Gate {
  readonly id: GateId;
  check(): Promise<GateOutcome>;
}

export interface GateResult {
  id: GateId;
  outcome: GateOutcome | ErroredOutcome;
}

export type GateRun =
  | { ok: true; results: GateResult[] }
  | { ok: false; results: GateResult[]; stoppedAt: GateResult };

/**
 * Runs the gates in order and stops at the first that fails or errors: a later gate's answer
 * means nothing once an earlier one has failed (a smoke test of the wrong release proves nothing).
 *
 * @param onStart called before each gate runs, so slow gates (builds, previews) show progress.
 * @param onResult called with each gate's result as it is known.
 */
export async function runGates(
  gates: readonly Gate[],
  hooks: { onStart?: (id: GateId) => void; onResult?: (result: GateResult) => void } = {},
): Promise<GateRun> {
  const results: GateResult[] = [];
  for (const gate of gates) {
    hooks.onStart?.(gate.id);
    let outcome: GateResult["outcome"];
    try {
      outcome = await gate.check();
    } catch (error) {
      outcome = { status: "error", error };
    }
    const result = { id: gate.id, outcome };
    results.push(result);
    hooks.onResult?.(result);
    if (outcome.status === "failed" || outcome.status === "error") {
      return { ok: false, results, stoppedAt: result };
    }
  }
  return { ok: true, results };
}

/** A failed outcome; `remedy` lists what to do, one step per entry. */
export function failed(summary: string, remedy: string[], details?: string[]): FailedOutcome {
  return { status: "failed", summary, remedy, ...(details?.length ? { details } : {}) };
}
