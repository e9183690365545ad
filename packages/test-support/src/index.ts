export { lambdaContext, taskEnvelope } from "./factories.js";
export { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "./startAwsEmulators.js";
