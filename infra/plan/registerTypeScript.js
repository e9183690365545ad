// Loads the plan (and the program) from TypeScript sources with ts-node's ESM hooks, the way
// `pulumi up` loads the program, but without type checking: `pnpm typecheck` does that.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

process.env.TS_NODE_TRANSPILE_ONLY ??= "true";
register("ts-node/esm", pathToFileURL("./"));
