import { existsSync } from "node:fs";

/**
 * Debian's builds, the headless shell first: it is Chromium without the browser's own UI layer,
 * which Playwright also takes for headless runs of its own, and the console's browser tests cost
 * about a quarter less CPU in it than in the full browser (16.5 against 21.3 CPU-s).
 */
const DEBIAN_CHROMIUMS = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

/**
 * How the tests and the benchmark start Chromium. The browser is `TASKLANE_CHROMIUM`, else
 * Debian's headless shell (`.ci/run` installs it) or full Chromium, else Playwright's own (after
 * `playwright install chromium`, as on GitHub's runners).
 */
export function chromiumLaunchOptions(): { executablePath?: string; args: string[] } {
  const executablePath =
    process.env.TASKLANE_CHROMIUM || DEBIAN_CHROMIUMS.find((path) => existsSync(path));
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
