import { sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Whether the workspace packages run from their build (`dist/`), as under `pulumi up`, rather
 * than from their TypeScript source, as in the tests and the offline plan
 * (`--conditions=@tasklane/source`). Packages are resolved with the same conditions, so where
 * this one runs from is where they all do.
 */
export function runsFromBuild(): boolean {
  return fileURLToPath(import.meta.url)
    .split(sep)
    .includes("dist");
}
