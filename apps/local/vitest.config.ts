import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  isolation: "modules",
  test: {
    // Three files at a time, where vitest's default on a 2-core machine is one: most of these
    // files run a whole local runtime and spend much of their time waiting on it, and in a cold
    // `pnpm turbo test` this package ends last, so it should not wait for a worker.
    maxWorkers: 3,
    // Handler bundles are loaded by Node itself, as Lambda loads index.mjs, not through Vite.
    server: { deps: { external: [/\/apps\/(?:producer|consumer)\/dist\//, /\/tasklane-local-/] } },
  },
});
