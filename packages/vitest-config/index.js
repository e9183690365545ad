// Plain JavaScript so every package's vitest.config.ts can load it without a build step.
import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import { EndToEndFirstSequencer } from "./endToEndFirst.js";

/**
 * Workspace packages export `@tasklane/source` pointing at their TypeScript sources, so tests run
 * against the code as written, with no build of the packages they import.
 *
 * `isolation` is how far one test file is kept from the next (docs/development.md, "Test speed"):
 * - `"process"` (the default): each file in a fresh worker process;
 * - `"modules"`: a worker runs its files one after another; each file loads the repository's
 *   own modules afresh, and the packages under node_modules (the AWS SDK, zod, fauxqs) once.
 *   For files that load modules keeping state: the Lambda handlers read their settings and build
 *   their clients when loaded;
 * - `"none"`: a worker runs its files one after another and loads each module once, for
 *   packages whose files leave no module state behind.
 * Both reuse a worker, which costs about half the CPU of `"process"`.
 *
 * @param {import("./index.js").TasklaneVitestOptions} [options]
 */
export function tasklaneVitestConfig({ isolation = "process", ...overrides } = {}) {
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
      sequence: { sequencer: EndToEndFirstSequencer },
    },
  });
  const setupFile = (name) => fileURLToPath(new URL(name, import.meta.url));
  const isolated = {
    process: {},
    modules: {
      test: {
        isolate: false,
        setupFiles: [setupFile("./unstubbed.js"), setupFile("./freshModules.js")],
      },
    },
    none: { test: { isolate: false, setupFiles: [setupFile("./unstubbed.js")] } },
  }[isolation];
  if (!isolated) {
    throw new Error(`isolation must be "process", "modules" or "none", not ${isolation}`);
  }
  return mergeConfig(mergeConfig(base, isolated), overrides);
}
