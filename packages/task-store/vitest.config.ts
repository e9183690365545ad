import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({
  // Each test file gets a fresh VM context in a reused worker instead of a fresh process: every
  // file here loads the AWS SDK and the emulators' clients, and this saves about a fifth of the
  // suite's CPU. Files stay isolated from one another.
  test: { pool: "vmForks" },
});
