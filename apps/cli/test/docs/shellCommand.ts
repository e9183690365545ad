import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";

export interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The hosts a documented command may reach here: the local runtime's, never the internet. */
const LOOPBACK = new Set(["localhost", "127.0.0.1"]);

/** Runs `command` with bash in `cwd`, as it is typed in a terminal. */
export async function runShell(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ShellRun> {
  for (const [, host] of command.matchAll(/https?:\/\/([^/:\s'"]+)/g)) {
    if (!LOOPBACK.has(host ?? "")) throw new Error(`${command}: reaches ${host}, not loopback`);
  }
  try {
    const { stdout, stderr } = await promisify(execFile)("bash", ["-c", command], {
      cwd: options.cwd,
      env: options.env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The words bash makes of `text` (quotes removed), e.g. the argv after `pnpm tasklane`. */
export function shellWords(text: string): string[] {
  const words = execFileSync("bash", ["-c", `printf '%s\\0' ${text}`], { encoding: "utf8" });
  return words.split("\0").slice(0, -1);
}
