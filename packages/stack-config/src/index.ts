export type { FunctionSizing, MessageLifetimeSettings } from "./derivedSettings.js";
export {
  functionSizing,
  MAX_BODY_BYTES_LIMIT,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  payloadLifetimeNeededSeconds,
  queueVisibilityTimeoutSeconds,
  workflowBounds,
  workflowStepTimeoutSeconds,
} from "./derivedSettings.js";
export { StackConfigError } from "./errors.js";
export type {
  FunctionEnvKey,
  FunctionName,
  FunctionRole,
  FunctionSpec,
  TableAccess,
} from "./functionCatalog.js";
export {
  bundlePaths,
  EXPECTED_BUNDLES_ENV,
  FUNCTION_ENV,
  FUNCTIONS,
  functionNamed,
  functionsOf,
  LAMBDA_HANDLER,
  RELEASE_COMMIT_ENV,
} from "./functionCatalog.js";
export type { ExpressWorkflowSetting, OperatorGrant } from "./functionSettings.js";
export {
  optionalEnv,
  readExpressWorkflow,
  readOperators,
  readResultExpirationDays,
  requireEnv,
  requirePositiveInt,
  SettingsError,
} from "./functionSettings.js";
export type { StackConfigFile, StackRef } from "./parseStackConfig.js";
export {
  DEV_STACKS,
  fromPulumiConfig,
  parseStackConfig,
  readStackConfigFile,
  stackConfigWarnings,
} from "./parseStackConfig.js";
export { NAME_LIMITS, resourceName } from "./resourceName.js";
export { runsFromBuild } from "./runsFromBuild.js";
export type { StackConfig, StackConfigInput } from "./stackConfigSchema.js";
export {
  LOG_RETENTION_DAYS,
  SNS_TOPIC_ARN,
  STACK_CONFIG_KEYS,
  stackConfigSchema,
} from "./stackConfigSchema.js";
