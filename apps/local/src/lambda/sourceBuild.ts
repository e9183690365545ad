import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_ENTRY, esbuildOptionsFor } from "@tasklane/lambda-bundler";
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

/**
 * Builds every function from its TypeScript sources with the bundler's esbuild settings (not
 * minified, for readable stack traces), loads the handlers into `fn.handler`, and, with
 * `watch`, rebuilds on change and swaps in a handler whose code changed: a quick edit loop with
 * no `pnpm build`.
 *
 * @throws LocalRuntimeError with esbuild's messages when the first build fails.
 */
export async function buildFromSource(options: SourceBuildOptions): Promise<SourceBuild> {
  const outDir = await mkdtemp(join(tmpdir(), "tasklane-local-"));
  const contexts: BuildContext[] = [];
  // Per function: the errors of its latest build; the functions built since the last report.
  const latestErrors = new Map<string, string[]>();
  const touched = new Set<string>();
  const reloaded = new Set<string>();
  let reportTimer: NodeJS.Timeout | undefined;

  /** Reports what the builds of the last moments did: an editor's save can trigger several. */
  const built = (name: string, outcome: { errors: string[] } | { reloaded: boolean }) => {
    touched.add(name);
    if ("errors" in outcome && outcome.errors.length > 0) {
      latestErrors.set(name, outcome.errors);
    } else {
      latestErrors.delete(name);
      if ("reloaded" in outcome && outcome.reloaded) reloaded.add(name);
    }
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      const errors = [...touched].flatMap((n) => latestErrors.get(n) ?? []);
      const functions = [...reloaded];
      touched.clear();
      reloaded.clear();
      if (functions.length > 0 || errors.length > 0) {
        options.onRebuild?.({ ok: errors.length === 0, functions, errors });
      }
    }, REPORT_DEBOUNCE_MS);
  };

  try {
    await Promise.all(
      options.functions.map(async ({ spec, fn }) => {
        const bundleDir = join(outDir, spec.app, spec.name);
        const outfile = join(bundleDir, BUNDLE_ENTRY);
        let watching = false;
        let digest = "";
        const reload: Plugin = {
          name: "tasklane-local-reload",
          setup(build) {
            build.onEnd(async (result) => {
              if (!watching) return;
              if (result.errors.length > 0) {
                built(fn.name, { errors: formatMessages(result.errors) });
                return;
              }
              try {
                const next = await digestOf(outfile);
                const changed = next !== digest;
                if (changed) {
                  fn.handler = await importHandler(outfile);
                  digest = next;
                }
                built(fn.name, { reloaded: changed });
              } catch (error) {
                built(fn.name, { errors: [`${fn.name}: ${(error as Error).message}`] });
              }
            });
          },
        };
        const ctx = await context({
          ...esbuildOptionsFor(options.repoRoot, spec, bundleDir),
          minify: false,
          metafile: false,
          logLevel: "silent",
          plugins: [reload],
        });
        contexts.push(ctx);
        try {
          await ctx.rebuild();
        } catch (error) {
          const errors = (error as { errors?: Message[] }).errors ?? [];
          throw new LocalRuntimeError(
            `building ${spec.app}/${spec.entry} failed:\n${formatMessages(errors).join("\n") || String(error)}`,
          );
        }
        fn.handler = await importHandler(outfile);
        digest = await digestOf(outfile);
        if (options.watch) {
          watching = true;
          await ctx.watch();
        }
      }),
    );
  } catch (error) {
    await Promise.allSettled(contexts.map((ctx) => ctx.dispose()));
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }

  return {
    outDir,
    async stop() {
      clearTimeout(reportTimer);
      await Promise.allSettled(contexts.map((ctx) => ctx.dispose()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
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
