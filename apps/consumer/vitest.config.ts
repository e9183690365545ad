import { tasklaneVitestConfig } from "@tasklane/vitest-config";

// The handler modules keep their settings and clients in module state.
export default tasklaneVitestConfig({ isolation: "modules" });
