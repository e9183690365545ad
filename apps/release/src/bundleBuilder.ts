import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunctions } from "@tasklane/lambda-bundler";
import { bundlePaths, FUNCTIONS, type FunctionSpec } from "@tasklane/stack-config";

/** What gate 2 needs of the bundles: rebuilt ones, and the ones `up` would deploy. */
export interface BundleBuilder {
  /** Builds every function of the catalog from the working tree; each zip's sha256 (hex) by name. */
  rebuild(): Promise<Record<string, string>>;
  /**
   * The sha256 of each zip the Pulumi program deploys (`apps/<app>/dist/<name>.zip`) by function
   * name; `undefined` for a zip that is not there.
   */
  deployable(): Promise<Record<string, string | undefined>>;
}

export interface BundleBuilderOptions {
  repoRoot: string;
  /** The functions to build; the whole catalog unless given. */
  functions?: readonly FunctionSpec[];
  /**
   * Where the rebuild writes its `apps/<app>/dist` folders: a new temporary folder unless given,
   * so the check never touches the bundles `up` deploys. The bundler lays out every bundle for
   * its place in the repository, so where it is written does not change its bytes.
   */
  outRoot?: string;
}

/** The `BundleBuilder` of a working tree, with `@tasklane/lambda-bundler`. */
export function createBundleBuilder(options: BundleBuilderOptions): BundleBuilder {
  const functions = options.functions ?? FUNCTIONS;
  return {
    async rebuild() {
      const outRoot = options.outRoot ?? (await mkdtemp(join(tmpdir(), "tasklane-rebuild-")));
      try {
        const results = await bundleFunctions({ repoRoot: options.repoRoot, functions, outRoot });
        return Object.fromEntries(results.map((result) => [result.name, result.sha256]));
      } finally {
        if (!options.outRoot) await rm(outRoot, { recursive: true, force: true });
      }
    },

    async deployable() {
      const hashes: Record<string, string | undefined> = {};
      for (const spec of functions) {
        hashes[spec.name] = await sha256OfFile(join(options.repoRoot, bundlePaths(spec).zip));
      }
      return hashes;
    },
  };
}

async function sha256OfFile(path: string): Promise<string | undefined> {
  try {
    return createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
