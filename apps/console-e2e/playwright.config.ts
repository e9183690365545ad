import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "@tasklane/test-support";

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  globalSetup: "./e2e/globalSetup.ts",
  // What the tests load from dist/ is already JavaScript: the workspace packages' builds and the
  // handler bundles the local runtime imports. Playwright would run each through Babel (seconds
  // of CPU for the bundles alone) and map its stack traces through it.
  build: { external: ["**/dist/**"] },
  // One local runtime serves every test: they run one at a time, in one browser.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "node_modules/.cache/playwright",
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 860 },
    launchOptions: chromiumLaunchOptions(),
    // No trace: recording one costs about a fifth of the suite's CPU, failing or not
    // (docs/development.md, "Test speed"). `--trace on` records one when it is needed.
    screenshot: "only-on-failure",
    reducedMotion: "reduce",
  },
});
