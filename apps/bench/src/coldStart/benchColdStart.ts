import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  BUNDLE_ENTRY,
  entrySource,
  esbuildOptionsFor,
  findRepoRoot,
  moduleFiles,
} from "@tasklane/lambda-bundler";
import { bundlePaths, FUNCTIONS, type FunctionSpec } from "@tasklane/stack-config";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { type Contributor, contributorsOf } from "./bundleContributors.js";
import { coldStartEnv } from "./coldStartEnv.js";
import { BundleLoadError, measureLoad } from "./measureLoad.js";
import { type PairedSummary, runPairs, summarizePairs } from "./pairedStats.js";

/** The floors: each bundle loads in at most this share of its default build's time... */
const LOAD_RATIO_FLOOR = 0.8;
/** ...and what a cold start loads of it is at most this many bytes minified. */
const MINIFIED_BYTES_FLOOR = 500_000;

/** What an ESM bundle of CommonJS code needs to `require()` Node built-ins at all. */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);";

export interface ColdStartOptions {
  /** Pairs of loads per function (ours, then its default build). */
  pairs: number;
  /** Function names to measure; every function in the catalog when absent. */
  only?: readonly string[];
  /**
   * esbuild options laid over lambda-bundler's `esbuildOptionsFor`: our bundles are then built
   * with them into a temporary folder and measured instead of `dist/`, to try an idea without
   * touching the bundler.
   */
  esbuild?: BuildOptions;
  repoRoot?: string;
  log?: (line: string) => void;
}

export interface BundleSize {
  bytes: number;
  /** zlib gzip, level 9. */
  gzipBytes: number;
}

export interface ColdStartRow {
  name: string;
  app: FunctionSpec["app"];
  /** Our bundle, relative to the repository root, or `(trial build)` for an `esbuild` trial. */
  bundle: string;
  /** What a cold start of ours loads: `index.mjs` and the chunks it imports statically. */
  ours: BundleSize;
  /** All of ours, the chunks loaded on demand included (what the zip carries). */
  oursShipped: BundleSize;
  default: BundleSize;
  /** The default build loaded only with the `createRequire` banner added. */
  defaultNeedsRequireBanner: boolean;
  /** Wall-clock time of the import, ms: what the floor is judged on. */
  load: PairedSummary;
  /** CPU time of the import, ms: a check on `load` when the machine is busy. */
  cpu: PairedSummary;
  /** The five packages that put the most bytes in what a cold start of ours loads. */
  top: Contributor[];
  floors: { ratio: boolean; size: boolean };
}

export interface ColdStartResult {
  node: string;
  pairs: number;
  esbuild?: BuildOptions;
  rows: ColdStartRow[];
  /** Functions that could not be measured, and why. */
  skipped: { name: string; reason: string }[];
}

function sizeOf(code: Uint8Array): BundleSize {
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

/**
 * The sizes, each as one file, of what a cold start of our bundle (in `dir`) loads and of every
 * module file it ships; each file is read once (the cold start's are among those shipped).
 */
async function sizesOf(
  dir: string,
  modules: OurModules,
): Promise<{ coldStart: BundleSize; shipped: BundleSize }> {
  const contents = new Map(
    await Promise.all(modules.shipped.map(async (f) => [f, await readFile(join(dir, f))] as const)),
  );
  const sizeOfFiles = (files: readonly string[]) =>
    sizeOf(Buffer.concat(files.map((f) => contents.get(f) as Buffer)));
  return { coldStart: sizeOfFiles(modules.coldStart), shipped: sizeOfFiles(modules.shipped) };
}

/** The comparison: esbuild's defaults for a Node ESM bundle of the same entry, nothing more. */
function defaultOptions(
  repoRoot: string,
  spec: FunctionSpec,
  outfile: string,
  requireBanner: boolean,
): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: [entrySource(spec)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    ...(requireBanner ? { banner: { js: CREATE_REQUIRE_BANNER } } : {}),
    logLevel: "error",
  };
}

function isDynamicRequireFailure(error: unknown): boolean {
  return error instanceof BundleLoadError && /Dynamic require of/.test(error.stderr);
}

/**
 * Builds the default comparison bundle and loads it once (the first, unpaired load also warms
 * the page cache). An ESM bundle of CommonJS code that requires Node built-ins throws "Dynamic
 * require of ... is not supported" at load; only then is it rebuilt with the `createRequire`
 * banner.
 */
async function buildDefault(
  repoRoot: string,
  spec: FunctionSpec,
  outDir: string,
  env: Record<string, string>,
): Promise<{ file: string; requireBanner: boolean }> {
  const file = join(outDir, "default", spec.name, "index.mjs");
  await mkdir(dirname(file), { recursive: true });
  await build(defaultOptions(repoRoot, spec, file, false));
  try {
    await measureLoad(file, env);
    return { file, requireBanner: false };
  } catch (error) {
    if (!isDynamicRequireFailure(error)) throw error;
  }
  await build(defaultOptions(repoRoot, spec, file, true));
  await measureLoad(file, env);
  return { file, requireBanner: true };
}

/** Our bundle's module files, relative to its folder. */
interface OurModules {
  coldStart: string[];
  shipped: string[];
  /** The cold start's module files as the metafile names them. */
  coldStartOutputs: Set<string>;
}

/** The module files of a bundle whose metafile names its outputs under `dir`. */
function modulesOf(metafile: Metafile, dir: string): OurModules {
  const modules = moduleFiles(metafile, dir);
  const coldStart = modules.coldStart.map((m) => m.file);
  return {
    coldStart,
    shipped: modules.all.map((m) => m.file),
    coldStartOutputs: new Set(coldStart.map((file) => `${dir}/${file}`)),
  };
}

/**
 * Our bundle (its folder: `index.mjs` and its chunks) and its metafile: a copy of `dist/` as
 * `pnpm build` left it (taken once, so a rebuild running meanwhile cannot change the bundle
 * under the benchmark), or a trial build.
 */
async function ourBundle(
  repoRoot: string,
  spec: FunctionSpec,
  outDir: string,
  variant: BuildOptions | undefined,
): Promise<
  {
    /** The bundle's folder, and its entry in it. */
    dir: string;
    file: string;
    bundle: string;
    metafile: Metafile;
  } & OurModules
> {
  const bundleDir = join(outDir, "ours", spec.name);
  const file = join(bundleDir, BUNDLE_ENTRY);
  if (variant) {
    const result = await build({
      ...esbuildOptionsFor(repoRoot, spec, bundleDir),
      ...variant,
      metafile: true,
      write: true,
    });
    const metafile = result.metafile as Metafile;
    return {
      dir: bundleDir,
      file,
      bundle: "(trial build)",
      metafile,
      ...modulesOf(metafile, relative(repoRoot, bundleDir)),
    };
  }
  const dir = bundlePaths(spec).dir;
  const meta = await readFile(join(repoRoot, dir, "meta.json"), "utf8").catch(() => {
    throw new Error(`${dir}/${BUNDLE_ENTRY} is not built (pnpm build)`);
  });
  await mkdir(dirname(bundleDir), { recursive: true });
  await cp(join(repoRoot, dir), bundleDir, { recursive: true });
  const metafile = JSON.parse(meta) as Metafile;
  return {
    dir: bundleDir,
    file,
    bundle: `${dir}/${BUNDLE_ENTRY}`,
    metafile,
    ...modulesOf(metafile, dir),
  };
}

async function measureFunction(
  repoRoot: string,
  spec: FunctionSpec,
  outDir: string,
  options: ColdStartOptions,
): Promise<ColdStartRow> {
  const env = coldStartEnv(spec);
  const ours = await ourBundle(repoRoot, spec, outDir, options.esbuild);
  const base = await buildDefault(repoRoot, spec, outDir, env);
  await measureLoad(ours.file, env);
  options.log?.(`${spec.name}: ${options.pairs} pairs`);
  const pairs = await runPairs(
    options.pairs,
    () => measureLoad(ours.file, env),
    () => measureLoad(base.file, env),
  );
  const load = summarizePairs(
    pairs.map((p) => ({ oursMs: p.ours.loadMs, defaultMs: p.other.loadMs })),
  );
  const cpu = summarizePairs(
    pairs.map((p) => ({ oursMs: p.ours.cpuMs, defaultMs: p.other.cpuMs })),
  );
  const oursSize = await sizesOf(ours.dir, ours);
  return {
    name: spec.name,
    app: spec.app,
    bundle: ours.bundle,
    ours: oursSize.coldStart,
    oursShipped: oursSize.shipped,
    default: sizeOf(await readFile(base.file)),
    defaultNeedsRequireBanner: base.requireBanner,
    load,
    cpu,
    top: contributorsOf(ours.metafile, ours.coldStartOutputs).slice(0, 5),
    floors: {
      ratio: load.ratio.median <= LOAD_RATIO_FLOOR,
      size: oursSize.coldStart.bytes <= MINIFIED_BYTES_FLOOR,
    },
  };
}

/**
 * For each function bundle: how long importing it takes in a fresh Node process, paired against
 * a default `esbuild --bundle --platform=node --format=esm` build of the same entry; both
 * bundles' sizes; and the packages that make up most of ours. A function that cannot be
 * measured (not built, does not load) is listed in `skipped` with the reason; the rest go on.
 */
export async function benchColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const repoRoot = options.repoRoot ?? findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  const unknown = (options.only ?? []).filter((n) => !FUNCTIONS.some((f) => f.name === n));
  if (unknown.length > 0) throw new Error(`no function named ${unknown.join(", ")}`);
  const specs: FunctionSpec[] = FUNCTIONS.filter(
    (f) => !options.only?.length || options.only.includes(f.name),
  );
  const outDir = await mkdtemp(join(tmpdir(), "tasklane-coldstart-"));
  const rows: ColdStartRow[] = [];
  const skipped: ColdStartResult["skipped"] = [];
  try {
    for (const spec of specs) {
      try {
        rows.push(await measureFunction(repoRoot, spec, outDir, options));
      } catch (error) {
        const reason = (error as Error).message.split("\n").slice(0, 4).join(" | ");
        skipped.push({ name: spec.name, reason });
        options.log?.(`${spec.name}: not measured, ${reason}`);
      }
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  return {
    node: process.version,
    pairs: options.pairs,
    ...(options.esbuild ? { esbuild: options.esbuild } : {}),
    rows,
    skipped,
  };
}

const kB = (bytes: number) => (bytes / 1000).toFixed(1);

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function contributors(top: readonly Contributor[]): string {
  return top
    .map((c) => `${c.name} ${kB(c.bytes)}${c.cjsBytes > c.bytes / 2 ? " cjs" : ""}`)
    .join(", ");
}

/** The table `pnpm bench:coldstart` prints, then the floors per bundle. */
export function formatColdStartResult(result: ColdStartResult): string {
  const rows = result.rows.map((r) => [
    r.name,
    r.load.oursMs.median.toFixed(1),
    r.load.defaultMs.median.toFixed(1),
    `${r.load.ratio.median.toFixed(2)}×`,
    `${r.load.ratio.min.toFixed(2)}–${r.load.ratio.max.toFixed(2)}`,
    `${r.cpu.ratio.median.toFixed(2)}×`,
    `${kB(r.ours.bytes)} / ${kB(r.ours.gzipBytes)}`,
    kB(r.oursShipped.bytes),
    `${kB(r.default.bytes)}${r.defaultNeedsRequireBanner ? "*" : ""}`,
    contributors(r.top),
  ]);
  const lines = [
    `cold start: import of each bundle in a fresh node ${result.node} process, ${result.pairs} pairs (ours, then the default build), medians`,
    ...(result.esbuild
      ? [`ours = trial build, lambda-bundler's options + ${JSON.stringify(result.esbuild)}`]
      : []),
    "",
    ...table(
      [
        "function",
        "ours ms",
        "default ms",
        "ratio",
        "min–max",
        "cpu ratio",
        "ours kB loaded min / gz",
        "shipped kB",
        "default kB",
        "top contributors to ours (kB; cjs = bundled from CommonJS)",
      ],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7, 8]),
    ),
  ];
  lines.push(
    "ratio: ours over default within each pair, median (min–max) of the pairs; cpu ratio: the same for the import's CPU time",
  );
  if (result.rows.some((r) => r.defaultNeedsRequireBanner)) {
    lines.push(
      "* the default build loads only with a createRequire banner (an ESM bundle of CommonJS code that requires Node built-ins); that banner is the one thing added to it",
    );
  }
  lines.push(
    "",
    `floors: load ≤ ${LOAD_RATIO_FLOOR.toFixed(2)}× the default build's (median of pair ratios), ≤ ${kB(MINIFIED_BYTES_FLOOR)} kB minified loaded at a cold start (index.mjs and its static chunks; the chunks a request loads on demand are in "shipped")`,
    ...table(
      ["function", "floors", "load", "", "minified", ""],
      result.rows.map((r) => [
        r.name,
        r.floors.ratio && r.floors.size ? "PASS" : "FAIL",
        `${r.load.ratio.median.toFixed(2)}×`,
        r.floors.ratio ? "ok" : `> ${LOAD_RATIO_FLOOR.toFixed(2)}×`,
        `${kB(r.ours.bytes)} kB`,
        r.floors.size ? "ok" : `> ${kB(MINIFIED_BYTES_FLOOR)} kB`,
      ]),
      new Set([2, 4]),
    ),
  );
  for (const s of result.skipped) lines.push(`${s.name}: not measured: ${s.reason}`);
  return lines.join("\n");
}
