import { tasklaneVitestConfig } from "@tasklane/vitest-config";

// The files leave no module state behind, so one worker runs them all without loading the
// modules again for each file (docs/development.md, "Test speed").
export default tasklaneVitestConfig({ test: { isolate: false } });
