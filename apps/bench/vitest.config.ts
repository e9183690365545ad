import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  isolation: "none",
  test: {
    // Handler bundles are loaded by Node itself, as Lambda loads index.mjs, not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
