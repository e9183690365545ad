#!/usr/bin/env node
// `pnpm promote`: runs the compiled CLI (apps/release/dist), which `pnpm turbo build` builds
// along with the bundles it verifies.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(compiled)) {
  console.error("tasklane-release: the release tool is not built: run `pnpm turbo build` first.");
  process.exit(1);
}
process.setSourceMapsEnabled(true);
const { runCli } = await import(compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
