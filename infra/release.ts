import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundlePaths, type FunctionSpec } from "@tasklane/stack-config";

/** Set in CI to the commit being deployed when the checkout has no `.git` (or a detached copy). */
export const RELEASE_COMMIT_ENV = "TASKLANE_RELEASE_COMMIT";

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
 * The commit being deployed: `TASKLANE_RELEASE_COMMIT` when set (CI, which deploys a clean
 * checkout), otherwise `git rev-parse HEAD`, with `dirty` when `git status` shows changes.
 *
 * @throws ReleaseError when neither is available.
 */
export function readCommit(
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): { commit: string; dirty: boolean } {
  const override = env[RELEASE_COMMIT_ENV]?.trim();
  if (override) {
    // The full id: promotion compares it with `git rev-parse HEAD`, and a short one is ambiguous.
    if (!/^[0-9a-f]{40}$/.test(override)) {
      throw new ReleaseError(
        `${RELEASE_COMMIT_ENV} must be a full 40-character git commit id, got "${override}"`,
      );
    }
    return { commit: override, dirty: false };
  }
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    const commit = git("rev-parse", "HEAD");
    const dirty = git("status", "--porcelain").length > 0;
    return { commit, dirty };
  } catch (error) {
    throw new ReleaseError(
      `cannot read the git commit of ${repoRoot} (${(error as Error).message.split("\n")[0]}); deploy from a git checkout or set ${RELEASE_COMMIT_ENV}`,
    );
  }
}

/** The release: every catalog function's bundle and the commit it was built from. */
export function readRelease(
  repoRoot: string,
  functions: readonly Pick<FunctionSpec, "app" | "name">[],
  env: NodeJS.ProcessEnv = process.env,
): Release {
  const bundles = readBundles(repoRoot, functions);
  return { ...readCommit(repoRoot, env), bundles };
}
