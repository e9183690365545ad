#!/usr/bin/env node
// `pnpm bench:local`: runs the compiled benchmark (the root script builds it first).
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
