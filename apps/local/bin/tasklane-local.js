#!/usr/bin/env node
// `pnpm dev`: the whole Tasklane pipeline on this machine. Runs the compiled runtime
// (apps/local/dist), which `pnpm build` builds along with the handler bundles it loads.

// Stack traces of the handlers point into their TypeScript sources through the bundles' maps.
process.setSourceMapsEnabled(true);
const compiled = new URL("../dist/cli.js", import.meta.url);
const cli = await import(compiled.href).catch((error) => {
  // Only the runtime itself missing means "not built"; anything else it fails to load is a bug.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || error.url !== compiled.href) throw error;
  console.error("tasklane-local: the local runtime is not built: run `pnpm build` first.");
  process.exit(1);
});
process.exitCode = await cli.runCli(process.argv.slice(2));
