export { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "./startAwsEmulators.js";
