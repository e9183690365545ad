#!/usr/bin/env node
// `pnpm bench:cost`: runs the compiled benchmark (the root script builds it first).
import { main } from "../dist/cost/costCli.js";

process.exitCode = await main(process.argv.slice(2));
