import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  isolation: "none",
  test: {
    // Two files at a time: the cost and console benchmarks spend most of their time waiting on
    // a local runtime (batching windows, retry pauses, a browser), not on the CPU.
    maxWorkers: 2,
    // Handler bundles are loaded by Node itself, as Lambda loads index.mjs, not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
