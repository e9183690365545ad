import type { Fault, FaultError, FaultKind, RecordedCall } from "./types.js";
import { type FaultableClients, withFaults } from "./withFaults.js";

/** What an operation did when nothing failed: its calls, and how it ended. */
export interface Recording<T> {
  calls: RecordedCall[];
  result: PromiseSettledResult<T>;
}

/**
 * Runs `operation` once with nothing failing and lists every call boundary it crossed through
 * `clients`, in order: the boundaries a fault test then injects at, one fresh run per fault.
 *
 * @example
 * ```ts
 * const { calls } = await recordCalls({ dynamodb, sqs }, () => submitTasks(deps, owner, "r", [s]));
 * for (const fault of faultPoints(calls)) {
 *   // a fresh task, withFaults({ dynamodb, sqs }, [fault]), the operation, then the invariants
 * }
 * ```
 */
export async function recordCalls<T>(
  clients: FaultableClients,
  operation: () => Promise<T>,
): Promise<Recording<T>> {
  const session = withFaults(clients, []);
  try {
    const [result] = await Promise.allSettled([operation()]);
    return { calls: [...session.calls], result: result as PromiseSettledResult<T> };
  } finally {
    session.detach();
  }
}

/** One way of failing a call, as `faultPoints` combines it with each call. */
export interface FaultVariant {
  kind: FaultKind;
  error?: FaultError;
}

/** The four kinds every call boundary is tried with, unless the caller asks for others. */
export const DEFAULT_FAULT_VARIANTS: readonly FaultVariant[] = [
  { kind: "before" },
  { kind: "after" },
  { kind: "crash-before" },
  { kind: "crash-after" },
];

/** Every fault kind, with both errors of the ones that throw something other than a crash. */
export const ALL_FAULT_VARIANTS: readonly FaultVariant[] = [
  { kind: "before", error: "throttle" },
  { kind: "before", error: "reset" },
  { kind: "after", error: "timeout" },
  { kind: "after", error: "reset" },
  { kind: "duplicate" },
  { kind: "crash-before" },
  { kind: "crash-after" },
];

/**
 * The faults to try: each recorded call boundary with each variant (by default `before`,
 * `after`, `crash-before` and `crash-after`), in the order the calls were made.
 */
export function faultPoints(
  recording: Pick<Recording<unknown>, "calls"> | readonly RecordedCall[],
  variants: readonly FaultVariant[] = DEFAULT_FAULT_VARIANTS,
): Fault[] {
  const calls = Array.isArray(recording)
    ? (recording as readonly RecordedCall[])
    : (recording as Pick<Recording<unknown>, "calls">).calls;
  return calls.flatMap(({ service, command, nth }) =>
    variants.map((variant) => ({ service, command, nth, ...variant })),
  );
}

/** `after(timeout) DynamoDB.PutItemCommand#1`: a fault's name in a test title or a failure. */
export function describeFault(fault: Fault): string {
  const error = fault.error ? `(${fault.error})` : "";
  return `${fault.kind}${error} ${fault.service}.${fault.command}#${fault.nth}`;
}
