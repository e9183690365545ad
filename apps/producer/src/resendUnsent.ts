import type { TaskRecords } from "@tasklane/task-store";
import { envelopeOf, type SendDeps, sendEnvelopes } from "./sendEnvelopes.js";
import { markSent } from "./submitTasks.js";

/**
 * How long a record may stay marked unsent before the sweep sends it: longer than any API
 * request can take (API Gateway gives up after 29 s), so it never races a sender still alive.
 */
export const UNSENT_LEASE_SECONDS = 60;

/** Records each sweep reads per shard; a larger backlog of stranded records takes more sweeps. */
const SWEEP_LIMIT_PER_SHARD = 100;

export interface ResendDeps extends SendDeps {
  records: TaskRecords;
  now(): Date;
}

export interface ResendReport {
  /** Records found still marked unsent past the lease. */
  found: number;
  resent: number;
  /** Sends SQS refused or did not answer; the next sweep tries them again. */
  failed: number;
}

/**
 * Sends the envelope of every task whose sender stopped between writing its record and hearing
 * from SQS (a crash, a timeout, a lost answer), so no accepted task waits for a message that
 * will never come. A record whose first send did reach SQS gets a second message, which the
 * consumer absorbs as a duplicate; a cancelled or rolled-back record is no longer marked, so it
 * is not sent.
 */
export async function resendUnsent(deps: ResendDeps): Promise<ResendReport> {
  const olderThan = new Date(deps.now().getTime() - UNSENT_LEASE_SECONDS * 1000);
  const stranded = (await deps.records.findUnsent(olderThan, SWEEP_LIMIT_PER_SHARD)).filter(
    (record) => record.status === "queued",
  );
  const failures = await sendEnvelopes(
    deps,
    stranded.map((record, index) => ({ index, envelope: envelopeOf(record) })),
  );
  await Promise.all(
    stranded.map((record, index) => (failures.has(index) ? undefined : markSent(deps, record))),
  );
  return { found: stranded.length, resent: stranded.length - failures.size, failed: failures.size };
}
