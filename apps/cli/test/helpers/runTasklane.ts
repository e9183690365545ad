import { type CliIo, runCli } from "../../src/index.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of `--json`. */
  json<T = Record<string, unknown>>(): T;
  /** stdout parsed as JSON lines (`watch --json`). */
  jsonLines<T = Record<string, unknown>>(): T[];
}

export interface RunOptions extends Partial<Omit<CliIo, "stdout" | "stderr">> {
  /** Make stderr claim to be a terminal, as `submit-many`'s progress bar needs. */
  stderrIsTTY?: boolean;
}

/**
 * Runs `tasklane <argv>` in this process, as the bin does, with captured output. Unless told
 * otherwise it looks for a local runtime in `repoRoot` only, and reads no `TASKLANE_*` variables.
 */
export async function tasklane(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const { stderrIsTTY, ...io } = options;
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: stderrIsTTY === true },
    env: {},
    cwd: process.cwd(),
    repoRoot: "/nonexistent-tasklane-repo",
    ...io,
  });
  return {
    code,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
    jsonLines: <T>() =>
      stdout
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as T),
  };
}
