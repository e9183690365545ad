import { runsFromBuild } from "@tasklane/stack-config";
import { buildDifferences } from "@tasklane/transpile";

/** The workspace packages the program imports at run time (its own `dependencies`). */
export const WORKSPACE_DEPENDENCIES = ["packages/shared-task", "packages/stack-config"] as const;

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
