import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildWorkflow, STATE_NAMES } from "@tasklane/shared-task";
import * as esbuild from "esbuild";
import { workflowGraph } from "./workflowGraph.js";

/** The ceiling on the page's JavaScript, gzipped. The build fails past it. */
export const APP_JS_BUDGET_GZIP_BYTES = 150 * 1024;

/** The module the page imports the workflow's laid-out graph from. */
export const WORKFLOW_GRAPH_MODULE = "tasklane:workflow-graph";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface AppBuild {
  outDir: string;
  /** Each JavaScript file with its size, and gzipped (level 9). */
  scripts: { file: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

/**
 * Bundles the page (`src/app/main.tsx`) with esbuild into `dist/app`: `app.js`, `app.css`,
 * `index.html`. The workflow's graph is built from `buildWorkflow()`, the ASL the stacks deploy,
 * and laid out here, so the page draws it with no layout code and no request.
 */
export async function buildApp(root = PACKAGE_ROOT): Promise<AppBuild> {
  const outDir = join(root, "dist/app");
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const graph = workflowGraph(
    buildWorkflow({
      functions: {
        createTask: placeholderArn(STATE_NAMES.createTask),
        checkTaskStatus: placeholderArn(STATE_NAMES.checkTaskStatus),
        taskCompleted: placeholderArn(STATE_NAMES.taskCompleted),
        markFailed: placeholderArn(STATE_NAMES.markFailed),
      },
    }),
  );
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: "src/app/main.tsx" },
    outdir: outDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome120", "firefox121", "safari17"],
    minify: true,
    sourcemap: "linked",
    legalComments: "linked",
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [
      {
        name: "workflow-graph",
        setup(build) {
          build.onResolve({ filter: /^tasklane:workflow-graph$/ }, (args) => ({
            path: args.path,
            namespace: "workflow-graph",
          }));
          build.onLoad({ filter: /.*/, namespace: "workflow-graph" }, () => ({
            contents: JSON.stringify({ graph, stateNames: STATE_NAMES }),
            loader: "json",
          }));
        },
      },
    ],
  });
  await copyFile(join(root, "src/app/index.html"), join(outDir, "index.html"));

  const scripts: AppBuild["scripts"] = [];
  for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"))) {
    const body = await readFile(join(root, file));
    scripts.push({
      file: relative(outDir, join(root, file)),
      bytes: body.length,
      gzipBytes: gzipSync(body, { level: 9 }).length,
    });
  }
  const gzipBytes = scripts.reduce((sum, s) => sum + s.gzipBytes, 0);
  await writeFile(
    join(outDir, "build.json"),
    `${JSON.stringify({ scripts, gzipBytes, budgetGzipBytes: APP_JS_BUDGET_GZIP_BYTES }, null, 2)}\n`,
  );
  return { outDir, scripts, gzipBytes };
}

function placeholderArn(state: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:console-layout-${state}`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// `node dist/build/buildApp.js`, as the package's build script runs it.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const build = await buildApp();
  for (const s of build.scripts) {
    console.log(`console: ${s.file} ${kib(s.bytes)} (${kib(s.gzipBytes)} gzipped)`);
  }
  if (build.gzipBytes > APP_JS_BUDGET_GZIP_BYTES) {
    console.error(
      `console: the page's JavaScript is ${kib(build.gzipBytes)} gzipped, over its budget of ${kib(APP_JS_BUDGET_GZIP_BYTES)}`,
    );
    process.exitCode = 1;
  }
}
