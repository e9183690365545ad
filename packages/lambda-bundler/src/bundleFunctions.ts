import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { bundlePaths, type FunctionSpec, LAMBDA_HANDLER } from "@tasklane/stack-config";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { awsSdkPlugin } from "./awsSdkPlugin.js";
import { deterministicZip } from "./deterministicZip.js";

/** What the manifest (`dist/bundles.json`) records of each bundle. */
export interface BundleRecord {
  name: string;
  handler: string;
  /** The zip, relative to the app's `dist/`. */
  zip: string;
  /** sha256 of the zip, hex: the release identity of this function. */
  sha256: string;
  /** The same digest in base64, as Lambda reports `CodeSha256`. */
  sha256Base64: string;
  zipBytes: number;
  /** Every module file of the bundle (the entry and its chunks), in bytes. */
  codeBytes: number;
  /** What a cold start loads: `index.mjs` and the chunks it imports statically. */
  coldStartBytes: number;
  /** The module files, relative to the bundle's folder: `index.mjs` first, then its chunks. */
  files: string[];
}

export interface BundleResult extends BundleRecord {
  /** Every source file esbuild put in the bundle, relative to the repository root. */
  inputs: string[];
}

export interface BundleOptions {
  /** The repository root; sources and bundle paths in the catalog are relative to it. */
  repoRoot: string;
  functions: readonly FunctionSpec[];
  /** Where the `apps/<app>/dist` folders go; the repository root unless given (tests build elsewhere). */
  outRoot?: string;
}

/**
 * What the bundles take in place of `@aws-sdk/credential-provider-node`: credentials from the
 * environment only, as Lambda gives them (the file says what is given up). Named in the sources
 * from `dist/` and from `src/` alike, so the tests and the built bundler alias the same file.
 */
const ENV_CREDENTIAL_PROVIDER = fileURLToPath(
  new URL("../src/envCredentialProvider.ts", import.meta.url),
);

/** The bundle's entry point's name in esbuild's `entryPoints` (it writes `<name>.mjs`). */
export const BUNDLE_ENTRY_NAME = "index";

/** The bundle's entry module, which Lambda imports (`index.handler`). */
export const BUNDLE_ENTRY = `${BUNDLE_ENTRY_NAME}.mjs`;

/** A function's handler source, relative to the repository root (esbuild's `absWorkingDir`). */
export function entrySource(spec: FunctionSpec): string {
  return join("apps", spec.app, spec.entry);
}

/**
 * The esbuild settings of a function's bundle, written to `outdir`: minified ESM for Node 22+,
 * with every dependency (the AWS SDK v3 included) inside, and linked source maps.
 *
 * The bundle is `index.mjs` plus a chunk per dynamic import (`chunks/`): what a request may
 * never need (the S3 client, while payloads are inline; zod, for the catalog's unknown routes)
 * is imported where it is first used, so a cold start neither reads nor compiles it.
 */
export function esbuildOptionsFor(
  repoRoot: string,
  spec: FunctionSpec,
  outdir: string,
): BuildOptions {
  return {
    ...esbuildSettings(repoRoot),
    entryPoints: { [BUNDLE_ENTRY_NAME]: entrySource(spec) },
    outdir,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  };
}

/**
 * What every bundle is built with, whatever its entry, folder and chunks: the local runtime's
 * builds from source use these too.
 */
export function esbuildSettings(repoRoot: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    // No `keepNames`: it wraps every class and function to keep its name (~35 kB). Every error
    // class sets `name` itself, and that is what logs, `classifyError` and the ASL's
    // `ErrorEquals` read; Tasklane's code reads no `constructor.name`, and the one class name
    // the AWS SDK compares (`NoOpLogger`) is kept by `awsSdkPlugin`.
    keepNames: false,
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    // Workspace packages are bundled from their sources, exactly as the tests run them. Setting
    // `conditions` drops esbuild's implicit `module`, so it is named again: without it the AWS
    // SDK's `exports` (`module`, then `node`) resolve to its CommonJS builds, which are larger
    // and cannot be tree-shaken.
    conditions: ["@tasklane/source", "module"],
    mainFields: ["module", "main"],
    // The SDK's default credential chain, replaced by environment variables only (~120 kB).
    alias: { "@aws-sdk/credential-provider-node": ENV_CREDENTIAL_PROVIDER },
    // Unused operation schemas dropped, SDK class names it reads kept (see the plugin).
    plugins: [awsSdkPlugin],
    // Some CommonJS dependencies call require() for Node built-ins; ESM has no require.
    banner: {
      js: "import { createRequire as __tasklaneCreateRequire } from 'node:module'; const require = __tasklaneCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: "warning",
  };
}

/**
 * Bundles each function into `apps/<app>/dist/<name>/` (`index.mjs`, its chunks, and their
 * source maps), zips it
 * deterministically next to it, and writes the app's `bundles.json`.
 *
 * Same sources, same bytes: esbuild's output is deterministic for a given version and input,
 * paths in the output and source maps are relative, and the zip has fixed metadata.
 */
export async function bundleFunctions(options: BundleOptions): Promise<BundleResult[]> {
  const outRoot = options.outRoot ?? options.repoRoot;
  const results: BundleResult[] = [];
  for (const spec of options.functions) {
    results.push(await bundleOne(options.repoRoot, outRoot, spec));
  }
  const byApp = new Map<string, BundleResult[]>();
  for (const [index, result] of results.entries()) {
    const app = options.functions[index]?.app as string;
    byApp.set(app, [...(byApp.get(app) ?? []), result]);
  }
  for (const [app, appResults] of byApp) {
    const manifest = join(
      outRoot,
      bundlePaths({ app: app as FunctionSpec["app"], name: "" }).manifest,
    );
    const records: BundleRecord[] = appResults.map(({ inputs: _inputs, ...record }) => record);
    await writeFile(manifest, `${JSON.stringify({ bundles: records }, null, 2)}\n`);
  }
  return results;
}

async function bundleOne(
  repoRoot: string,
  outRoot: string,
  spec: FunctionSpec,
): Promise<BundleResult> {
  const paths = bundlePaths(spec);
  const outDir = join(outRoot, paths.dir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // esbuild always lays the bundle out for its place in the repository: the source maps name
  // the sources relative to the bundle, so building for another folder would change the bytes.
  const inRepoDir = join(repoRoot, paths.dir);
  const result = await build({ ...esbuildOptionsFor(repoRoot, spec, inRepoDir), write: false });
  const files: Record<string, Uint8Array> = {};
  for (const file of result.outputFiles ?? []) {
    files[relative(inRepoDir, file.path).split(sep).join("/")] = file.contents;
  }
  if (!files[BUNDLE_ENTRY]) throw new Error(`esbuild produced no ${paths.dir}/${BUNDLE_ENTRY}`);
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(dirname(join(outDir, name)), { recursive: true });
    await writeFile(join(outDir, name), contents);
  }
  const zip = deterministicZip(files);
  await writeFile(join(outRoot, paths.zip), zip);
  const metafile = result.metafile as Metafile;
  await writeFile(join(outDir, "meta.json"), JSON.stringify(metafile));

  const modules = moduleFiles(metafile, paths.dir);
  const digest = createHash("sha256").update(zip).digest();
  return {
    name: spec.name,
    handler: LAMBDA_HANDLER,
    zip: relative(join(outRoot, "apps", spec.app, "dist"), join(outRoot, paths.zip)),
    sha256: digest.toString("hex"),
    sha256Base64: digest.toString("base64"),
    zipBytes: zip.byteLength,
    codeBytes: modules.all.reduce((sum, m) => sum + m.bytes, 0),
    coldStartBytes: modules.coldStart.reduce((sum, m) => sum + m.bytes, 0),
    files: modules.all.map((m) => m.file),
    inputs: inputsOf(metafile),
  };
}

interface ModuleFile {
  /** Relative to the bundle's folder. */
  file: string;
  bytes: number;
}

/**
 * A bundle's module files from its metafile (whose output paths are relative to the repository
 * root, under `dir`): all of them, `index.mjs` first, and those a cold start loads, which are
 * `index.mjs` and what it imports statically, transitively.
 */
export function moduleFiles(
  metafile: Metafile,
  dir: string,
): { all: ModuleFile[]; coldStart: ModuleFile[] } {
  const prefix = `${dir.replace(/\/+$/, "")}/`;
  const entry = `${prefix}${BUNDLE_ENTRY}`;
  const outputs = metafile.outputs;
  const toFile = (path: string): ModuleFile => ({
    file: path.slice(prefix.length),
    bytes: outputs[path]?.bytes ?? 0,
  });
  const modules = Object.keys(outputs)
    .filter((path) => path.startsWith(prefix) && path.endsWith(".mjs"))
    .sort((a, b) => (a === entry ? -1 : b === entry ? 1 : a.localeCompare(b)));
  if (!outputs[entry]) throw new Error(`the metafile has no ${entry}`);
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return {
    all: modules.map(toFile),
    coldStart: modules.filter((path) => loaded.has(path)).map(toFile),
  };
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).sort();
}

/** A table of the bundles and their sizes, for the build output. */
export function formatBundleTable(results: readonly BundleRecord[]): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = results.map((r) => [
    r.name,
    kib(r.coldStartBytes),
    kib(r.codeBytes),
    kib(r.zipBytes),
    r.sha256.slice(0, 12),
  ]);
  const header = ["function", "cold start", "code", "zip", "sha256"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}
