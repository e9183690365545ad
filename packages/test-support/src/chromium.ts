import { existsSync } from "node:fs";

/**
 * How the tests and the benchmark start Chromium. The browser is `TASKLANE_CHROMIUM`, else
 * Debian's /usr/bin/chromium (`.ci/run` installs it), else Playwright's own (after
 * `playwright install chromium`, as on GitHub's runners).
 */
export function chromiumLaunchOptions(): { executablePath?: string; args: string[] } {
  const executablePath =
    process.env.TASKLANE_CHROMIUM ||
    (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  return { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS };
}

/**
 * Chromium's background services (updates, sync, QUIC probes) call out to the Internet; on a
 * closed network their refused connections only slow the browser down.
 */
const CHROMIUM_ARGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Chromium's sandbox needs user namespaces, which root on CI does not get.
  ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
];
