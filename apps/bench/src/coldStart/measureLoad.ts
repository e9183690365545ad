import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PROBE_MARKER, type ProbeReport } from "./loadProbe.js";

const PROBE = fileURLToPath(new URL("./loadProbe.js", import.meta.url));

/** A bundle that did not load: its stderr says why. */
export class BundleLoadError extends Error {
  override name = "BundleLoadError";
  constructor(
    readonly file: string,
    readonly stderr: string,
  ) {
    super(`${file} did not load: ${errorLine(stderr)}`);
  }
}

/**
 * The line of Node's report that names the error (`SettingsError: ...`): the report begins with
 * the offending source line, which in a minified bundle is the whole bundle.
 */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const named = lines.find((l) => /^[\w$.]*(Error|Exception)\b/.test(l));
  return (named ?? lines.at(-1) ?? "").slice(0, 300);
}

/**
 * Imports `file` in a fresh `node` process with exactly `env`, and returns how long the import
 * took in that process, in ms (from just before `import()` to just after: the bundle's read,
 * compile and module-level init, not Node's own start-up).
 */
export async function measureLoad(file: string, env: Record<string, string>): Promise<ProbeReport> {
  const child = spawn(process.execPath, [PROBE, file], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const line = stdout.split("\n").find((l) => l.startsWith(PROBE_MARKER));
  if (code !== 0 || !line) throw new BundleLoadError(file, stderr || stdout);
  const report = JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeReport;
  if (report.handler !== "function") {
    throw new BundleLoadError(file, `its \`handler\` export is ${report.handler}`);
  }
  if (report.network.length > 0) {
    throw new BundleLoadError(file, `importing it opened ${report.network.join(", ")}`);
  }
  return report;
}
