import { tasklaneVitestConfig } from "./index.js";

export default tasklaneVitestConfig({ isolation: "none" });
