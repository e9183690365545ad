import { RELEASE_TRAILER } from "./constants.js";
import { parseRelease, type Release, shortSha } from "./release.js";
import type { StackUpdate } from "./stackGateway.js";

/**
 * The message of the target's update: a human first line, then the release record as a trailer
 * line. The backend keeps messages in the stack's history (Pulumi Cloud and S3 alike), which is
 * how a later rollback finds the sha256s this release was verified against.
 *
 * @example
 * ```text
 * promote 3f2a9c1d0b7e from dev to prod
 * tasklane-release: {"commit":"3f2a…","dirty":false,"bundles":{"ingest":"1a2b…",…}}
 * ```
 */
export function releaseUpdateMessage(options: {
  release: Release;
  from: string;
  to: string;
  rollback: boolean;
}): string {
  const { release, from, to, rollback } = options;
  const title = `${rollback ? "roll back to" : "promote"} ${shortSha(release.commit)} from ${from} to ${to}`;
  const record = { commit: release.commit, dirty: release.dirty, bundles: release.bundles };
  return `${title}\n${RELEASE_TRAILER} ${JSON.stringify(record)}`;
}

/** The release recorded in an update's message, or `undefined` when it has none (or a bad one). */
export function releaseFromMessage(message: string): Release | undefined {
  const line = message.split("\n").find((l) => l.startsWith(RELEASE_TRAILER));
  if (!line) return undefined;
  try {
    return parseRelease(JSON.parse(line.slice(RELEASE_TRAILER.length)), "the release trailer");
  } catch {
    return undefined;
  }
}

export interface RecordedRelease {
  release: Release;
  /** The stack version of the update that recorded it. */
  version?: number;
}

/**
 * The newest successful update that recorded the release of `commit`. An update whose CLI
 * metadata (`git.head`) names another commit is not trusted: its message would contradict it.
 */
export function findRecordedRelease(
  commit: string,
  updates: readonly StackUpdate[],
): RecordedRelease | undefined {
  for (const update of updates) {
    if (update.kind !== "update" || update.result !== "succeeded") continue;
    const release = releaseFromMessage(update.message);
    if (!release || release.commit !== commit || release.dirty) continue;
    const head = update.environment["git.head"];
    if (head !== undefined && head !== commit) continue;
    return { release, ...(update.version === undefined ? {} : { version: update.version }) };
  }
  return undefined;
}
