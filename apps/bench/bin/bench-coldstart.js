#!/usr/bin/env node
// `pnpm bench:coldstart`: runs the compiled benchmark (the root script builds it and the bundles first).
import { main } from "../dist/coldStart/coldStartCli.js";

process.exitCode = await main(process.argv.slice(2));
