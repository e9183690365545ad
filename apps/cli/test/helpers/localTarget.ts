import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
  writeDiscoveryFile,
} from "@tasklane/local";
import { e2eRuntimeOptions } from "@tasklane/test-support";
import { type CliRun, type RunOptions, tasklane } from "./runTasklane.js";

/** A local runtime, announced in a folder of its own as `pnpm dev` announces itself. */
export interface LocalTarget {
  runtime: LocalRuntime;
  /** A pnpm workspace root holding `.tasklane/local-runtime.json` for `runtime`. */
  repoRoot: string;
  /** `tasklane <argv>` in-process, finding `runtime` through the discovery file, no flags. */
  run(argv: string[], options?: RunOptions): Promise<CliRun>;
  stop(): Promise<void>;
}

export async function startLocalTarget(options: LocalRuntimeOptions = {}): Promise<LocalTarget> {
  const runtime = await startLocalRuntime(e2eRuntimeOptions(options));
  const repoRoot = await mkdtemp(join(tmpdir(), "tasklane-cli-"));
  await writeFile(join(repoRoot, "pnpm-workspace.yaml"), "packages: []\n");
  await writeDiscoveryFile(repoRoot, runtime);
  return {
    runtime,
    repoRoot,
    run: (argv, runOptions = {}) => tasklane(argv, { repoRoot, cwd: repoRoot, ...runOptions }),
    async stop() {
      await runtime.stop();
      await rm(repoRoot, { recursive: true, force: true });
    },
  };
}
