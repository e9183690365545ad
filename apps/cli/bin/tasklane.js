#!/usr/bin/env node
// `pnpm tasklane <command>`: runs the compiled CLI (apps/cli/dist), which the root script builds
// first with turbo, along with the packages it uses.
import { existsSync } from "node:fs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `tasklane: needs Node.js 22.12 or later; this is ${process.version}. Use the version in .nvmrc.`,
  );
  process.exit(2);
}

const compiled = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(compiled)) {
  console.error(
    "tasklane: the CLI is not built: run `pnpm turbo build --filter=@tasklane/cli...` first.",
  );
  process.exit(70);
}
process.setSourceMapsEnabled(true);
const { runCli, processIo } = await import(compiled.href);

// `tasklane list | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The first Ctrl-C asks the command to stop cleanly (submit-many and the DLQ commands finish the
// batch in flight and report what was not done); a second one stops at once.
const interrupt = new AbortController();
process.once("SIGINT", () => {
  interrupt.abort();
  process.once("SIGINT", () => process.exit(130));
});
process.exitCode = await runCli(process.argv.slice(2), processIo(interrupt.signal));
