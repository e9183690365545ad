// Plain JavaScript so every package's vitest.config.ts can load it without a build step.
import { defineConfig, mergeConfig } from "vitest/config";

/**
 * Workspace packages export `@tasklane/source` pointing at their TypeScript sources, so tests run
 * against the code as written, with no build of the packages they import.
 *
 * @param {import("vitest/config").ViteUserConfig} [overrides]
 */
export function tasklaneVitestConfig(overrides = {}) {
  const base = defineConfig({
    // Vite adds `import` and `default` itself. Listing them here would also hand them to Node
    // as `--conditions` for external packages, and a CommonJS `require` would then load ESM
    // builds (dynalite's `require("big.js")` would get a namespace instead of the class).
    resolve: { conditions: ["@tasklane/source", "node"] },
    ssr: { resolve: { conditions: ["@tasklane/source", "node"] } },
    test: {
      include: ["test/**/*.test.ts"],
      environment: "node",
      restoreMocks: true,
      unstubEnvs: true,
      // Hang guards, not speed checks: CI runs every package's tests at once on two cores, where
      // a fault suite or an end-to-end test can take several times what it takes alone.
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
  return mergeConfig(base, overrides);
}
