import type { ViteUserConfig } from "vitest/config";

/** Vitest's own settings, and how far one test file is kept from the next. */
export type TasklaneVitestOptions = ViteUserConfig & { isolation?: "process" | "modules" | "none" };

export declare function tasklaneVitestConfig(options?: TasklaneVitestOptions): ViteUserConfig;
