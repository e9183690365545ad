import type { ViteUserConfig } from "vitest/config";

export declare function tasklaneVitestConfig(overrides?: ViteUserConfig): ViteUserConfig;
