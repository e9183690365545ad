import type { Output } from "./humanReport.js";
import type { PromoteDependencies } from "./promote.js";

/** What the CLI touches of the process; tests pass their own. */
export interface CliEnvironment {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Whether stdout is a terminal: Pulumi's output is coloured only then. */
  stdoutIsTTY: boolean;
  /** Builds the real dependencies; tests replace it with fakes. */
  dependencies(settings: DependencySettings): PromoteDependencies;
}

export interface DependencySettings {
  repoRoot: string;
  /** `--region`: the SigV4 region of the smoke test, when the API URL does not tell. */
  region?: string;
  color: "always" | "never";
  output: Output;
}

/** Human output over the environment's streams: progress to stdout, problems to stderr. */
export function outputOf(env: CliEnvironment): Output {
  return {
    info: (line = "") => env.stdout(`${line}\n`),
    problem: (line) => env.stderr(`${line}\n`),
    raw: (text) => env.stdout(text),
  };
}
