import { ReleaseContractError } from "./errors.js";

/**
 * What a stack records of the code it runs: the `release` stack output of the Pulumi program.
 * The commit says where the sources are; the sha256s say which bytes were deployed.
 */
export interface Release {
  /** The full git sha the stack was deployed from. */
  commit: string;
  /** True when the working tree had uncommitted changes: then the commit does not describe the bytes. */
  dirty: boolean;
  /** sha256 (hex) of each function's deterministic zip, by function name. */
  bundles: Record<string, string>;
}

/** One function whose bundle differs between two releases (a side is absent when it lacks the function). */
export interface BundleMismatch {
  name: string;
  expected?: string;
  actual?: string;
}

const SHA1 = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Reads a `release` output (or a recorded release) and checks it follows the contract.
 *
 * @param where names the value in the error, e.g. "the `release` output of dev".
 * @throws ReleaseContractError naming the field that is wrong.
 */
export function parseRelease(value: unknown, where: string): Release {
  if (!isRecord(value)) throw new ReleaseContractError(`${where} is not an object`);
  const { commit, dirty, bundles } = value;
  if (typeof commit !== "string" || !SHA1.test(commit)) {
    throw new ReleaseContractError(`${where}: \`commit\` must be a full 40-character git sha`);
  }
  if (typeof dirty !== "boolean") {
    throw new ReleaseContractError(`${where}: \`dirty\` must be a boolean`);
  }
  if (!isRecord(bundles) || Object.keys(bundles).length === 0) {
    throw new ReleaseContractError(
      `${where}: \`bundles\` must map each function name to its sha256`,
    );
  }
  const parsed: Record<string, string> = {};
  for (const [name, sha256] of Object.entries(bundles)) {
    if (typeof sha256 !== "string" || !SHA256.test(sha256)) {
      throw new ReleaseContractError(`${where}: \`bundles.${name}\` must be a sha256 in hex`);
    }
    parsed[name] = sha256;
  }
  return { commit, dirty, bundles: parsed };
}

/** Every function whose sha256 differs, or that only one side has, sorted by name. */
export function diffBundles(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string | undefined>>,
): BundleMismatch[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const mismatches: BundleMismatch[] = [];
  for (const name of names) {
    const want = expected[name];
    const got = actual[name];
    if (want === got) continue;
    mismatches.push({
      name,
      ...(want === undefined ? {} : { expected: want }),
      ...(got === undefined ? {} : { actual: got }),
    });
  }
  return mismatches;
}

/** Same commit, clean, same bundles: the same release. */
export function sameRelease(a: Release, b: Release): boolean {
  return (
    a.commit === b.commit && a.dirty === b.dirty && diffBundles(a.bundles, b.bundles).length === 0
  );
}

/** The 12-character form used in messages; full shas go where they are copied into commands. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
