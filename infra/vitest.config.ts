import { tasklaneVitestConfig } from "@tasklane/vitest-config";

// The test files share one module graph per worker (no isolation) so that each stack's program
// run, which test/pulumiMocks.ts caches, is made once per worker rather than once per file.
// Every run starts from fresh mocks and config, so nothing else carries over.
export default tasklaneVitestConfig({ isolation: "none" });
