/** A stream the CLI writes to: `process.stdout` or `process.stderr`, or a test's buffer. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: `submit-many` then draws a progress bar instead of printing lines. */
  isTTY?: boolean;
  columns?: number;
}

/**
 * Everything the CLI takes from its process, so tests run it in-process: its streams, its
 * environment and working folder, and Ctrl-C.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read for `TASKLANE_*` and `AWS_REGION`; AWS credentials come from the SDK's own chain. */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (`--file`, `--input-file`, `--stack-outputs`) are resolved from here. */
  cwd: string;
  /**
   * Where a running `pnpm dev` has written its discovery file (`.tasklane/local-runtime.json`).
   * @default the pnpm workspace above `cwd`, else the one this CLI is part of
   */
  repoRoot?: string;
  /** Aborted on Ctrl-C: long commands stop cleanly and report what they did not do. */
  signal?: AbortSignal;
  /** The HTTP client of the API (tests route an https URL to a local server). @default fetch */
  fetch?: typeof fetch;
}

/** The real process's streams and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
