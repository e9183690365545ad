import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUNDLE_ENTRY,
  BUNDLE_ENTRY_NAME,
  entrySource,
  esbuildSettings,
} from "@tasklane/lambda-bundler";
import type { FunctionSpec } from "@tasklane/stack-config";
import { type BuildContext, context, type Message, type Plugin } from "esbuild";
import { LocalRuntimeError } from "../errors.js";
import type { LocalFunction } from "../types.js";
import { importHandler } from "./handlerModules.js";

export interface SourceBuildOptions {
  repoRoot: string;
  functions: readonly { spec: FunctionSpec; fn: LocalFunction }[];
  /** Rebuild when a source changes, and swap the new handler in. */
  watch: boolean;
  /** After a rebuild: the functions reloaded, or the build's errors (the old handlers stay). */
  onRebuild?: (report: { ok: boolean; functions: string[]; errors: string[] }) => void;
}

export interface SourceBuild {
  /** Where the bundles are written (a temporary folder). */
  readonly outDir: string;
  /** Stops watching and removes the bundles. */
  stop(): Promise<void>;
}

/** Rebuilds that finish this close together are reported as one. */
const REPORT_DEBOUNCE_MS = 150;

/** A function's bundle in the build, and the digest of the one its handler was loaded from. */
interface BuiltFunction {
  fn: LocalFunction;
  /** Its entry point's source, relative to the repository root. */
  source: string;
  /** Its entry point's name in the build, `<app>/<name>/index`: esbuild writes it to `<entry>.mjs`. */
  entry: string;
  outfile: string;
  digest: string;
}

/**
 * Builds every function from its TypeScript sources with the bundler's esbuild settings (not
 * minified, for readable stack traces), loads the handlers into `fn.handler`, and, with
 * `watch`, rebuilds on change and swaps in a handler whose code changed: a quick edit loop with
 * no `pnpm build`.
 *
 * All functions are one esbuild build, so the sources they share (the AWS SDK most of all) are
 * parsed once, not once a function. The build does not split: each function's bundle is one
 * file with its dynamic imports inlined, so no module is shared between two functions' handlers.
 *
 * @throws LocalRuntimeError with esbuild's messages when the first build fails.
 */
export async function buildFromSource(options: SourceBuildOptions): Promise<SourceBuild> {
  const outDir = await mkdtemp(join(tmpdir(), "tasklane-local-"));
  const built: BuiltFunction[] = options.functions.map(({ spec, fn }) => {
    return {
      fn,
      source: entrySource(spec),
      entry: `${spec.app}/${spec.name}/${BUNDLE_ENTRY_NAME}`,
      outfile: join(outDir, spec.app, spec.name, BUNDLE_ENTRY),
      digest: "",
    };
  });
  // What the rebuilds of the last moments did, reported once they stop: an editor's save can
  // trigger several.
  const reloaded = new Set<string>();
  let latestErrors: string[] = [];
  let reportTimer: NodeJS.Timeout | undefined;
  const report = (outcome: { reloaded: string[]; errors: string[] }) => {
    for (const name of outcome.reloaded) reloaded.add(name);
    latestErrors = outcome.errors;
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      const functions = [...reloaded];
      const errors = latestErrors;
      reloaded.clear();
      if (functions.length > 0 || errors.length > 0) {
        options.onRebuild?.({ ok: errors.length === 0, functions, errors });
      }
    }, REPORT_DEBOUNCE_MS);
  };

  let watching = false;
  const reload: Plugin = {
    name: "tasklane-local-reload",
    setup(build) {
      build.onEnd(async (result) => {
        if (!watching) return;
        if (result.errors.length > 0) {
          report({ reloaded: [], errors: formatMessages(result.errors) });
          return;
        }
        const names: string[] = [];
        const errors: string[] = [];
        for (const bundle of built) {
          try {
            if (await loadIfChanged(bundle)) names.push(bundle.fn.name);
          } catch (error) {
            errors.push(`${bundle.fn.name}: ${(error as Error).message}`);
          }
        }
        report({ reloaded: names, errors });
      });
    },
  };

  let ctx: BuildContext | undefined;
  try {
    ctx = await context({
      ...esbuildSettings(options.repoRoot),
      entryPoints: Object.fromEntries(built.map((bundle) => [bundle.entry, bundle.source])),
      outdir: outDir,
      splitting: false,
      minify: false,
      metafile: false,
      logLevel: "silent",
      plugins: [reload],
    });
    try {
      await ctx.rebuild();
    } catch (error) {
      const errors = (error as { errors?: Message[] }).errors ?? [];
      throw new LocalRuntimeError(
        `building the handlers from source failed:\n${formatMessages(errors).join("\n") || String(error)}`,
      );
    }
    for (const bundle of built) await loadIfChanged(bundle);
    if (options.watch) {
      watching = true;
      await ctx.watch();
    }
  } catch (error) {
    await ctx?.dispose();
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }

  return {
    outDir,
    async stop() {
      clearTimeout(reportTimer);
      await ctx?.dispose();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Loads the function's handler from its bundle when the bundle differs from the loaded one. */
async function loadIfChanged(bundle: BuiltFunction): Promise<boolean> {
  const next = await digestOf(bundle.outfile);
  if (next === bundle.digest) return false;
  bundle.fn.handler = await importHandler(bundle.outfile);
  bundle.digest = next;
  return true;
}

async function digestOf(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

function formatMessages(messages: readonly Message[]): string[] {
  return messages.map((m) =>
    m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text,
  );
}
