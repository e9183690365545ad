import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  test: {
    // The files leave no module state behind, so one worker runs them all without loading the
    // modules again for each file (docs/development.md, "Test speed").
    isolate: false,
    // Handler bundles are loaded by Node itself, as Lambda loads index.mjs, not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
