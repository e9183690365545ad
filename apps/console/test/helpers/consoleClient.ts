import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A folder holding a stand-in built app: `index.html` and `app.js`. */
export async function standInApp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tasklane-console-app-"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>console</title>");
  await writeFile(join(dir, "app.js"), "console.log('app');");
  return dir;
}

/** Calls the console as its page does: same origin, with the console's header. */
export function pageCall(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, base), {
    ...init,
    headers: { "x-tasklane-console": "1", ...(init.headers as Record<string, string>) },
  });
}
