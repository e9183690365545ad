#!/usr/bin/env node
// `tasklane-bundle <app>`: bundles the app's functions from the catalog and prints their sizes.
// Runs the compiled package, so `pnpm turbo build` builds this package first (^build).
import { functionsOf } from "@tasklane/stack-config";
import { bundleFunctions, findRepoRoot, formatBundleTable } from "../dist/index.js";

const app = process.argv[2];
if (app !== "producer" && app !== "consumer") {
  console.error("usage: tasklane-bundle <producer|consumer>");
  process.exit(2);
}
const repoRoot = findRepoRoot(process.cwd());
const results = await bundleFunctions({ repoRoot, functions: functionsOf(app) });
console.log(`${app} bundles (apps/${app}/dist/):`);
console.log(formatBundleTable(results));
