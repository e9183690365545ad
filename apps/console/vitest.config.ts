import { tasklaneVitestConfig } from "@tasklane/vitest-config";

export default tasklaneVitestConfig({ isolation: "none" });
