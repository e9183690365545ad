import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundlePaths, type FunctionSpec } from "@tasklane/stack-config";
import { BundlesMissingError, LocalRuntimeError } from "../errors.js";
import type { LambdaHandler } from "../types.js";

/** The bundle Lambda runs for a function: `apps/<app>/dist/<name>/index.mjs`. */
export function bundleFile(repoRoot: string, spec: Pick<FunctionSpec, "app" | "name">): string {
  return join(repoRoot, bundlePaths(spec).dir, "index.mjs");
}

/** @throws BundlesMissingError naming every bundle `pnpm build` has not written yet. */
export function assertBundlesBuilt(
  repoRoot: string,
  specs: readonly Pick<FunctionSpec, "app" | "name">[],
): void {
  const missing = specs
    .filter((spec) => !existsSync(bundleFile(repoRoot, spec)))
    .map((spec) => `${bundlePaths(spec).dir}/index.mjs`);
  if (missing.length > 0) throw new BundlesMissingError(missing);
}

/**
 * Imports a handler module's `handler` as a new module instance. Handlers read their settings
 * and build their clients when their module loads, so every runtime (and every rebuild) needs
 * its own instance, loaded after the environment is set. The chunks `index.mjs` imports are
 * shared between instances: they hold library code (the AWS SDK, zod), and the handler's own
 * module state (its settings and clients) is built by `index.mjs` itself.
 *
 * The instance is named by a random id, not a count in this module: Node keeps every module it
 * has imported for the life of the process, and a count would start again wherever this module
 * is loaded afresh (a test runner that reloads it per file), handing out an earlier runtime's
 * handler with that runtime's settings.
 */
export async function importHandler(file: string): Promise<LambdaHandler> {
  const url = `${pathToFileURL(file).href}?instance=${randomUUID()}`;
  const module = (await import(/* @vite-ignore */ url)) as { handler?: unknown };
  if (typeof module.handler !== "function") {
    throw new LocalRuntimeError(`${file} does not export a \`handler\` function`);
  }
  return module.handler as LambdaHandler;
}
