import { fileURLToPath } from "node:url";
import { readStackConfigFile, type StackConfig } from "@tasklane/stack-config";

/** The repository's root, where the Pulumi stack files are. */
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** A stack's config as the Pulumi program reads it, from `Pulumi.<stack>.yaml`. */
export function stackConfig(stack: "dev" | "prod" = "dev"): StackConfig {
  return readStackConfigFile(`${REPO_ROOT}Pulumi.${stack}.yaml`, { project: "tasklane", stack })
    .config;
}
