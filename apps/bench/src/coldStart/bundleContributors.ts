import type { Metafile } from "esbuild";

/** A package's share of one bundle. */
export interface Contributor {
  /** An npm package (`@smithy/core`) or a workspace folder (`packages/shared-task`). */
  name: string;
  /** Bytes of the bundle's code that came from it. */
  bytes: number;
  /** Of those, the bytes esbuild took from CommonJS files (`dist-cjs` and the like). */
  cjsBytes: number;
}

/**
 * The package a bundle input belongs to: the name after the last `node_modules/` (pnpm nests
 * `node_modules/.pnpm/<id>/node_modules/<name>/`), or else the first two folders of a
 * repository path (`apps/producer`, `packages/shared-task`).
 */
export function packageOfInput(inputPath: string): string {
  const marker = "node_modules/";
  const at = inputPath.lastIndexOf(marker);
  if (at >= 0) {
    const parts = inputPath.slice(at + marker.length).split("/");
    const scoped = parts[0]?.startsWith("@") ?? false;
    return (scoped ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
  }
  const parts = inputPath.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : inputPath;
}

/**
 * The JavaScript outputs to count: those named in `only` (the module files a cold start loads),
 * or else the one with an entry point.
 */
function countedOutputs(
  metafile: Pick<Metafile, "outputs">,
  only?: ReadonlySet<string>,
): Metafile["outputs"][string][] {
  const entries = Object.entries(metafile.outputs);
  if (only) return entries.filter(([path]) => only.has(path)).map(([, output]) => output);
  const output = entries.find(([, o]) => o.entryPoint !== undefined)?.[1] ?? entries[0]?.[1];
  if (!output) throw new Error("the metafile has no outputs");
  return [output];
}

/**
 * Every package in the bundle with the bytes it put there, largest first: in the outputs
 * `only` names (paths as the metafile gives them), or in the entry's output.
 */
export function contributorsOf(
  metafile: Pick<Metafile, "inputs" | "outputs">,
  only?: ReadonlySet<string>,
): Contributor[] {
  const byName = new Map<string, Contributor>();
  const inputs = countedOutputs(metafile, only).flatMap((output) => Object.entries(output.inputs));
  for (const [path, input] of inputs) {
    const name = packageOfInput(path);
    const entry = byName.get(name) ?? { name, bytes: 0, cjsBytes: 0 };
    entry.bytes += input.bytesInOutput;
    if (metafile.inputs[path]?.format === "cjs") entry.cjsBytes += input.bytesInOutput;
    byName.set(name, entry);
  }
  return [...byName.values()].sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}
