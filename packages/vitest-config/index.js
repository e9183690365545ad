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
    resolve: { conditions: ["@tasklane/source", "node", "import", "default"] },
    ssr: { resolve: { conditions: ["@tasklane/source", "node", "import", "default"] } },
    test: {
      include: ["test/**/*.test.ts"],
      environment: "node",
      restoreMocks: true,
      unstubEnvs: true,
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  });
  return mergeConfig(base, overrides);
}
