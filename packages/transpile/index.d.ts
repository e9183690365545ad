import type { CompilerOptions } from "typescript";

/** A package's tsconfig.build.json as the build reads it. */
export interface BuildConfig {
  readonly rootDir: string;
  readonly outDir: string;
  readonly options: CompilerOptions;
  /** The `.ts` sources it compiles (no `.d.ts`), absolute and sorted. */
  readonly sources: readonly string[];
}

/** One source file's build: its `.js` and, when the config asks for one, its source map. */
export interface EmittedFile {
  readonly jsPath: string;
  readonly js: string;
  readonly mapPath?: string;
  readonly map?: string;
}

export declare function readBuildConfig(packageDir: string): BuildConfig;
export declare function emitFile(config: BuildConfig, sourcePath: string): EmittedFile;
export declare function transpilePackage(packageDir: string): number;
export declare function buildDifferences(root: string, packageDirs: readonly string[]): string[];
