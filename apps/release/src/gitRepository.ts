import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What gate 1 reads of the working tree. Read-only: promotion never checks anything out. */
export interface GitRepository {
  /** The full sha of HEAD. */
  head(): Promise<string>;
  /** Paths with uncommitted changes, untracked files included (ignored files are not). */
  uncommittedPaths(): Promise<string[]>;
  /** The full sha of a commit-ish, or `undefined` when this clone does not have it. */
  resolveCommit(ref: string): Promise<string | undefined>;
  /**
   * Whether `ancestor` is `descendant` or one of its ancestors; `undefined` when this clone cannot
   * tell (a shallow clone, or a commit it does not have).
   */
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
}

/** The `GitRepository` of a working tree, through the `git` command. */
export function createGitRepository(repoRoot: string): GitRepository {
  async function git(args: string[]) {
    const { stdout } = await run("git", ["-C", repoRoot, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  return {
    async head() {
      return (await git(["rev-parse", "--verify", "HEAD"])).trim();
    },

    async uncommittedPaths() {
      return parsePorcelainStatus(
        await git(["status", "--porcelain=v1", "-z", "--untracked-files=all"]),
      );
    },

    async resolveCommit(ref) {
      try {
        return (await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
      } catch {
        return undefined;
      }
    },

    async isAncestor(ancestor, descendant) {
      try {
        await git(["merge-base", "--is-ancestor", ancestor, descendant]);
        return true;
      } catch (error) {
        // Exit status 1 is git's "no"; anything else (128: unknown commit) means it cannot tell.
        return (error as { code?: unknown }).code === 1 ? false : undefined;
      }
    },
  };
}

/**
 * The paths of `git status --porcelain=v1 -z`: entries are `XY path`, NUL-terminated; a rename or
 * copy is followed by one more entry, its original path.
 */
export function parsePorcelainStatus(output: string): string[] {
  const entries = output.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? "";
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    const status = entry.slice(0, 2);
    if (status.includes("R") || status.includes("C")) i++;
  }
  return paths;
}
