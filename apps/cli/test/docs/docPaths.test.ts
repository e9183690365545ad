import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { documentationFiles } from "./docCommands.js";

// A file the docs point a reader at must be there: a move or a rename leaves no page pointing
// at nothing.
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** A code span naming a path of the repository (no placeholder, no glob). */
const PATH_SPAN = /`((?:apps|packages|infra|docs|\.ci)\/[\w./-]+)`/g;
/** A Markdown link to a file of the repository, relative to the page, without its anchor. */
const RELATIVE_LINK = /\]\((?!https?:|mailto:|#)([^)\s#]+)(?:#[^)]*)?\)/g;

function namedPaths(file: string): { path: string; line: number }[] {
  const lines = readFileSync(join(repoRoot, file), "utf8").split("\n");
  return lines.flatMap((text, index) => [
    ...[...text.matchAll(PATH_SPAN)].map((m) => ({ path: m[1] as string, line: index + 1 })),
    ...[...text.matchAll(RELATIVE_LINK)].map((m) => ({
      path: join(dirname(file), m[1] as string),
      line: index + 1,
    })),
  ]);
}

describe("the files README.md and docs/ name", () => {
  it("are all in the repository", () => {
    const named = documentationFiles(repoRoot).flatMap((file) =>
      namedPaths(file).map((p) => ({ ...p, file })),
    );
    const missing = named
      .filter((p) => !existsSync(join(repoRoot, p.path)))
      .map((p) => `${p.file}:${p.line}: ${p.path}`);

    expect(named.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
