import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runsFromBuild } from "@tasklane/stack-config";
import { emitFile, readBuildConfig } from "@tasklane/transpile";

/** The workspace packages the program imports at run time (its own `dependencies`). */
export const WORKSPACE_DEPENDENCIES = ["packages/shared-task", "packages/stack-config"] as const;

/**
 * What differs between these packages' sources and their builds: a package without `dist/`, a
 * source file without its `.js`, or a `.js` that is not what the build (`@tasklane/transpile`)
 * emits for its source today (the source changed since `pnpm build`). Paths are relative to
 * `root`; empty when every build is current. It compares contents, not times: turbo restores a
 * cached build without touching it when the sources' contents are unchanged, however new their
 * mtimes.
 */
export function buildDifferences(root: string, packageDirs: readonly string[]): string[] {
  return packageDirs.flatMap((packageDir) => {
    const dir = join(root, packageDir);
    if (!existsSync(join(dir, "dist"))) return [`${packageDir} has no build (dist/)`];
    const config = readBuildConfig(dir);
    for (const source of config.sources) {
      const where = relative(root, source);
      const { jsPath, js } = emitFile(config, source);
      if (!existsSync(jsPath)) return [`${where} has no build`];
      if (js !== readFileSync(jsPath, "utf8")) return [`${where} changed since its build`];
    }
    return [];
  });
}

/**
 * Stops the program when it runs the workspace packages from their builds (`dist/`), as
 * `pulumi up` does, and a build is not current with its source: it would otherwise deploy what
 * the last `pnpm build` compiled (an older workflow definition, older config rules), not what
 * the tests checked. The tests and the offline plan load the sources
 * (`--conditions=@tasklane/source`), which cannot be stale.
 *
 * A missing `dist/index.js` stops Node before any of this runs, with `ERR_MODULE_NOT_FOUND`
 * naming it; the remedy is the same, `pnpm build`.
 */
export function assertWorkspaceBuilt(repoRoot: string): void {
  if (!runsFromBuild()) return;
  const differences = buildDifferences(repoRoot, WORKSPACE_DEPENDENCIES);
  if (differences.length > 0) {
    throw new Error(
      `the program runs the workspace packages' builds, but ${differences.join("; ")}: run \`pnpm build\` before \`pulumi up\``,
    );
  }
}
