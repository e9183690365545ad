export type { BundleOptions, BundleRecord, BundleResult } from "./bundleFunctions.js";
export { bundleFunctions, esbuildOptionsFor, formatBundleTable } from "./bundleFunctions.js";
export { deterministicZip } from "./deterministicZip.js";
export { findRepoRoot } from "./findRepoRoot.js";
