import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  isolation: "modules",
  test: {
    // The local runtime loads the handler bundles with Node itself, as Lambda loads index.mjs,
    // not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
