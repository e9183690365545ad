export {
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  queueVisibilityTimeoutSeconds,
  workflowStepTimeoutSeconds,
} from "./derivedSettings.js";
export { StackConfigError } from "./errors.js";
export type {
  FunctionEnvKey,
  FunctionName,
  FunctionRole,
  FunctionSpec,
} from "./functionCatalog.js";
export {
  bundlePaths,
  FUNCTION_ENV,
  FUNCTIONS,
  functionNamed,
  functionsOf,
  LAMBDA_HANDLER,
} from "./functionCatalog.js";
export type { StackConfigFile, StackRef } from "./parseStackConfig.js";
export {
  DEV_STACKS,
  fromPulumiConfig,
  parseStackConfig,
  readStackConfigFile,
} from "./parseStackConfig.js";
export { NAME_LIMITS, resourceName } from "./resourceName.js";
export type { StackConfig, StackConfigInput } from "./stackConfigSchema.js";
export { LOG_RETENTION_DAYS, STACK_CONFIG_KEYS, stackConfigSchema } from "./stackConfigSchema.js";
