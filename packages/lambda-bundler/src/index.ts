export type { BundleOptions, BundleRecord, BundleResult } from "./bundleFunctions.js";
export {
  BUNDLE_ENTRY,
  BUNDLE_ENTRY_NAME,
  bundleFunctions,
  entrySource,
  esbuildOptionsFor,
  esbuildSettings,
  formatBundleTable,
  moduleFiles,
} from "./bundleFunctions.js";
export { deterministicZip } from "./deterministicZip.js";
export { findRepoRoot } from "./findRepoRoot.js";
