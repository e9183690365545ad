import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { runsFromBuild } from "@tasklane/stack-config";
import type * as TypeScript from "typescript";

/** The workspace packages the program imports at run time (its own `dependencies`). */
export const WORKSPACE_DEPENDENCIES = ["packages/shared-task", "packages/stack-config"] as const;

/**
 * What differs between these packages' sources and their builds: a package without `dist/`, a
 * source file without its `.js`, or a `.js` that is not what TypeScript emits for its source
 * today (the source changed since `pnpm build`). Paths are relative to `root`; empty when every
 * build is current. It compares contents, not times: turbo restores a cached build without
 * touching it when the sources' contents are unchanged, however new their mtimes.
 *
 * Each file is transpiled on its own with the package's `tsconfig.build.json`, which emits what
 * `tsc` emits because the packages compile with `isolatedModules` and `verbatimModuleSyntax`.
 */
export function buildDifferences(root: string, packageDirs: readonly string[]): string[] {
  // Loaded only when needed: the program runs under ts-node, so TypeScript is installed.
  const ts = createRequire(import.meta.url)("typescript") as typeof TypeScript;
  return packageDirs.flatMap((packageDir) => {
    const dir = join(root, packageDir);
    const src = join(dir, "src");
    const dist = join(dir, "dist");
    if (!existsSync(dist)) return [`${packageDir} has no build (dist/)`];
    const config = ts.getParsedCommandLineOfConfigFile(
      join(dir, "tsconfig.build.json"),
      undefined,
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(`${packageDir}/tsconfig.build.json: ${String(diagnostic.messageText)}`);
        },
      },
    );
    if (!config) return [`${packageDir}/tsconfig.build.json cannot be read`];
    // The packages are ESM ("type": "module"), which NodeNext emits as ESNext modules.
    const options = { ...config.options, module: ts.ModuleKind.ESNext };
    const sources = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".d.ts"),
    );
    for (const file of sources.sort()) {
      const builtPath = join(dist, file.replace(/\.ts$/, ".js"));
      const sourcePath = join(src, file);
      const where = relative(root, sourcePath);
      if (!existsSync(builtPath)) return [`${where} has no build`];
      const emitted = ts.transpileModule(readFileSync(sourcePath, "utf8"), {
        compilerOptions: options,
        fileName: sourcePath,
      }).outputText;
      if (emitted !== readFileSync(builtPath, "utf8")) return [`${where} changed since its build`];
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
