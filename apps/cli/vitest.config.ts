import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  isolation: "modules",
  test: {
    // Two files at a time, where vitest's default on a 2-core machine is one: the end-to-end
    // files spend most of their time waiting on a local runtime or on a CLI process.
    maxWorkers: 2,
    // The local runtime loads the handler bundles with Node itself, as Lambda loads index.mjs,
    // not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
