import { tasklaneVitestConfig } from "@tasklane/vitest-config";

// Each file gets a fresh VM context in a reused worker instead of a fresh process: the files
// here load handler modules that keep their settings and clients in module state, so they need
// isolating, and a VM context costs less than a process (docs/development.md, "Test speed").
export default tasklaneVitestConfig({ test: { pool: "vmForks" } });
