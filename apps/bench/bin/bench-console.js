#!/usr/bin/env node
// `pnpm bench:console`: runs the compiled benchmark (the root script builds it first).
import { main } from "../dist/benchConsole.js";

process.exitCode = await main(process.argv.slice(2)).catch((error) => {
  console.error(`bench:console: ${error.message}`);
  return 1;
});
