#!/usr/bin/env node
// `tasklane-transpile`: a workspace package's build script, run in the package's directory.
import { transpilePackage } from "../index.js";

try {
  transpilePackage(process.cwd());
} catch (error) {
  console.error(`tasklane-transpile: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
