import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  bundlePaths,
  EXPECTED_BUNDLES_ENV,
  type FunctionSpec,
  RELEASE_COMMIT_ENV,
} from "@tasklane/stack-config";

/** One function's deployable artifact. */
export interface FunctionBundle {
  /** Absolute path of the deterministic zip. */
  zipPath: string;
  /** sha256 of the zip, hex: the release identity of the function. */
  sha256: string;
  /** The same digest in base64, as Lambda reports `CodeSha256`. */
  sha256Base64: string;
}

/** What is being deployed: every bundle's bytes and the commit they were built from. */
export interface Release {
  commit: string;
  /** The working tree had uncommitted changes: the bundles may not match `commit`. */
  dirty: boolean;
  bundles: Record<string, FunctionBundle>;
}

/** The build output is missing or does not match its manifest. */
export class ReleaseError extends Error {
  override name = "ReleaseError";
}

const BUILD_HINT = "run `pnpm build` at the repository root, then run the program again";

interface ManifestRecord {
  name: string;
  zip: string;
  sha256: string;
  sha256Base64: string;
}

/**
 * Reads every function's bundle from the apps' `dist/bundles.json` manifests (written by
 * `pnpm build`) and checks each zip against its recorded sha256, so what is deployed is exactly
 * what was built and what the release output reports.
 *
 * @throws ReleaseError naming the missing or stale file and telling to run `pnpm build`.
 */
export function readBundles(
  repoRoot: string,
  functions: readonly Pick<FunctionSpec, "app" | "name">[],
): Record<string, FunctionBundle> {
  const manifests = new Map<string, ManifestRecord[]>();
  const bundles: Record<string, FunctionBundle> = {};
  for (const spec of functions) {
    const paths = bundlePaths(spec);
    let records = manifests.get(paths.manifest);
    if (!records) {
      records = readManifest(repoRoot, paths.manifest);
      manifests.set(paths.manifest, records);
    }
    const record = records.find((r) => r.name === spec.name);
    if (!record) {
      throw new ReleaseError(
        `${paths.manifest} has no bundle for function \`${spec.name}\`: ${BUILD_HINT}`,
      );
    }
    const zipPath = join(repoRoot, paths.zip);
    if (!existsSync(zipPath)) {
      throw new ReleaseError(`bundle ${paths.zip} is missing: ${BUILD_HINT}`);
    }
    const digest = createHash("sha256").update(readFileSync(zipPath)).digest();
    if (
      digest.toString("hex") !== record.sha256 ||
      digest.toString("base64") !== record.sha256Base64
    ) {
      throw new ReleaseError(
        `bundle ${paths.zip} does not match the sha256 in ${paths.manifest} (a stale or partial build): ${BUILD_HINT}`,
      );
    }
    bundles[spec.name] = {
      zipPath,
      sha256: record.sha256,
      sha256Base64: record.sha256Base64,
    };
  }
  return bundles;
}

function readManifest(repoRoot: string, manifest: string): ManifestRecord[] {
  const path = join(repoRoot, manifest);
  if (!existsSync(path)) {
    throw new ReleaseError(`no function bundles: ${manifest} is missing; ${BUILD_HINT}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ReleaseError(`${manifest} is not JSON (${(error as Error).message}): ${BUILD_HINT}`);
  }
  const bundles = (parsed as { bundles?: unknown })?.bundles;
  if (!Array.isArray(bundles) || !bundles.every(isManifestRecord)) {
    throw new ReleaseError(
      `${manifest} is not a bundle manifest ({ bundles: [{ name, zip, sha256, sha256Base64 }] }): ${BUILD_HINT}`,
    );
  }
  return bundles;
}

function isManifestRecord(value: unknown): value is ManifestRecord {
  const record = value as Partial<ManifestRecord> | null;
  return (
    typeof record?.name === "string" &&
    typeof record.zip === "string" &&
    typeof record.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(record.sha256) &&
    typeof record.sha256Base64 === "string"
  );
}

/**
 * The commit being deployed: `TASKLANE_RELEASE_COMMIT` when set, otherwise `git rev-parse HEAD`.
 * `dirty` is `git status` whenever git can read the checkout, the variable or not: only without
 * git (a checkout with no `.git`, which then needs the variable) is the tree taken as clean.
 *
 * @throws ReleaseError when neither gives a commit.
 */
export function readCommit(
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): { commit: string; dirty: boolean } {
  const override = env[RELEASE_COMMIT_ENV]?.trim();
  // The full id: promotion compares it with `git rev-parse HEAD`, and a short one is ambiguous.
  if (override && !/^[0-9a-f]{40}$/.test(override)) {
    throw new ReleaseError(
      `${RELEASE_COMMIT_ENV} must be a full 40-character git commit id, got "${override}"`,
    );
  }
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  try {
    const dirty = git("status", "--porcelain").length > 0;
    return { commit: override || git("rev-parse", "HEAD"), dirty };
  } catch (error) {
    // No git here: the variable alone names the commit, and nothing can say the tree is dirty.
    if (override) return { commit: override, dirty: false };
    throw new ReleaseError(
      `cannot read the git commit of ${repoRoot} (${firstLine(error)}); deploy from a git checkout or set ${RELEASE_COMMIT_ENV}`,
    );
  }
}

/**
 * Checks the bundles against `TASKLANE_EXPECTED_BUNDLES` when it is set: every function must be
 * there with exactly that sha256, and no other. Unset (or empty), nothing is checked.
 *
 * @throws ReleaseError naming each function whose bundle differs.
 */
export function checkExpectedBundles(
  bundles: Readonly<Record<string, Pick<FunctionBundle, "sha256" | "zipPath">>>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const raw = env[EXPECTED_BUNDLES_ENV]?.trim();
  if (!raw) return;
  const expected = parseExpectedBundles(raw);
  const names = [...new Set([...Object.keys(expected), ...Object.keys(bundles)])].sort();
  const short = (sha: string) => sha.slice(0, 16);
  const problems: string[] = [];
  for (const name of names) {
    const want = expected[name];
    const got = bundles[name];
    if (want === got?.sha256) continue;
    if (want === undefined) problems.push(`${name}: not in ${EXPECTED_BUNDLES_ENV}`);
    else if (got === undefined) problems.push(`${name}: expected ${short(want)}, no such function`);
    else problems.push(`${name}: expected ${short(want)}, ${got.zipPath} has ${short(got.sha256)}`);
  }
  if (problems.length > 0) {
    throw new ReleaseError(
      `the bundles to deploy are not the ones ${EXPECTED_BUNDLES_ENV} names (the release promotion verified); nothing was deployed. ${problems.join("; ")}. Rebuild from the release's commit (pnpm turbo build) and promote again`,
    );
  }
}

function parseExpectedBundles(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ReleaseError(`${EXPECTED_BUNDLES_ENV} is not JSON (${(error as Error).message})`);
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((sha) => typeof sha === "string" && /^[0-9a-f]{64}$/.test(sha))
  ) {
    throw new ReleaseError(
      `${EXPECTED_BUNDLES_ENV} must be a JSON object of function name to sha256 (hex)`,
    );
  }
  return parsed as Record<string, string>;
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split("\n")[0] ?? "";
}

/**
 * The release: every catalog function's bundle and the commit it was built from.
 *
 * @throws ReleaseError when a bundle is missing or stale, or is not the one
 *   `TASKLANE_EXPECTED_BUNDLES` names.
 */
export function readRelease(
  repoRoot: string,
  functions: readonly Pick<FunctionSpec, "app" | "name">[],
  env: NodeJS.ProcessEnv = process.env,
): Release {
  const bundles = readBundles(repoRoot, functions);
  checkExpectedBundles(bundles, env);
  return { ...readCommit(repoRoot, env), bundles };
}
