import { readdir, readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SECURITY_HEADERS } from "./http.js";

/**
 * Where `pnpm build` puts the single-page app: `dist/app` of this package, two folders up from
 * both `src/server` (sources) and `dist/server` (compiled).
 */
export const DEFAULT_APP_DIR = fileURLToPath(new URL("../../dist/app/", import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** The built app, read once: only the files in its folder can be served, by their names. */
export class StaticApp {
  private constructor(private readonly files: ReadonlyMap<string, StaticFile>) {}

  /** Reads `dir`; `undefined` when it holds no built app (`index.html`). */
  static async load(dir: string): Promise<StaticApp | undefined> {
    let names: string[];
    try {
      names = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length).replace(/^\/+/, ""));
    } catch {
      return undefined;
    }
    if (!names.includes("index.html")) return undefined;
    const files = new Map<string, StaticFile>();
    for (const name of names) {
      files.set(`/${name}`, {
        body: await readFile(join(dir, name)),
        contentType: CONTENT_TYPES[extname(name)] ?? "application/octet-stream",
      });
    }
    return new StaticApp(files);
  }

  /**
   * Serves a file of the app, or `index.html` for a page's path (`/tasks/123`), so a reload or
   * a shared link opens the right page. A path with an extension that is not there is a 404.
   */
  serve(pathname: string, res: ServerResponse, headOnly: boolean): void {
    const file = this.files.get(pathname);
    const page = file ?? (extname(pathname) === "" ? this.files.get("/index.html") : undefined);
    if (!page) {
      res.writeHead(404, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" });
      res.end("not found\n");
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": page.contentType,
      "content-length": page.body.length,
      // Fixed file names: the browser asks again each time, and a rebuild shows at once.
      "cache-control": "no-cache",
    });
    res.end(headOnly ? undefined : page.body);
  }
}

/** What the server answers when the app was not built. */
export function sendAppMissing(res: ServerResponse, dir: string): void {
  res.writeHead(503, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" });
  res.end(
    `The console's page is not built (no ${join(dir, "index.html")}).\nBuild it with: pnpm turbo run build --filter=@tasklane/console\n`,
  );
}
