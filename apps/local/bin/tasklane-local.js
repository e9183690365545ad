#!/usr/bin/env node
// `pnpm dev`: the whole Tasklane pipeline on this machine. Runs the compiled runtime
// (apps/local/dist), which `pnpm build` builds along with the handler bundles it loads.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(compiled)) {
  console.error("tasklane-local: the local runtime is not built: run `pnpm build` first.");
  process.exit(1);
}
// Stack traces of the handlers point into their TypeScript sources through the bundles' maps.
process.setSourceMapsEnabled(true);
const { runCli } = await import(compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
