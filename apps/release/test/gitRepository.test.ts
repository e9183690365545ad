import { execFile } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitRepository, parsePorcelainStatus } from "../src/gitRepository.js";

const run = promisify(execFile);
let dir: string;
const commits: string[] = [];

async function git(...args: string[]) {
  const { stdout } = await run("git", ["-C", dir, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    },
  });
  return stdout.trim();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tasklane-git-"));
  await git("init", "--quiet", "--initial-branch=main");
  for (const n of [1, 2]) {
    await writeFile(join(dir, "file.txt"), `version ${n}\n`);
    await git("add", ".");
    await git("commit", "--quiet", "-m", `commit ${n}`);
    commits.push(await git("rev-parse", "HEAD"));
  }
  // A commit on another branch: neither an ancestor nor a descendant of main.
  await git("switch", "--quiet", "-c", "side", commits[0] as string);
  await writeFile(join(dir, "side.txt"), "side\n");
  await git("add", ".");
  await git("commit", "--quiet", "-m", "side");
  commits.push(await git("rev-parse", "HEAD"));
  await git("switch", "--quiet", "main");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the git repository adapter", () => {
  it("reads HEAD as a full sha", async () => {
    expect(await createGitRepository(dir).head()).toBe(commits[1]);
  });

  it("resolves short and full shas, and answers undefined for a commit it does not have", async () => {
    const repo = createGitRepository(dir);

    expect(await repo.resolveCommit((commits[0] as string).slice(0, 8))).toBe(commits[0]);
    expect(await repo.resolveCommit("0123456789abcdef0123456789abcdef01234567")).toBeUndefined();
  });

  it("tells ancestors, non-ancestors and unknown commits apart", async () => {
    const repo = createGitRepository(dir);
    const [first, second, side] = commits as [string, string, string];

    expect(await repo.isAncestor(first, second)).toBe(true);
    expect(await repo.isAncestor(second, first)).toBe(false);
    expect(await repo.isAncestor(side, second)).toBe(false);
    expect(
      await repo.isAncestor("0123456789abcdef0123456789abcdef01234567", second),
    ).toBeUndefined();
  });

  it("lists modified, untracked and renamed paths; nothing when clean", async () => {
    const repo = createGitRepository(dir);
    expect(await repo.uncommittedPaths()).toEqual([]);

    await writeFile(join(dir, "file.txt"), "changed\n");
    await writeFile(join(dir, "new file.txt"), "new\n");

    expect((await repo.uncommittedPaths()).sort()).toEqual(["file.txt", "new file.txt"]);
    await git("checkout", "--", "file.txt");
    await rm(join(dir, "new file.txt"));
  });

  it("parses renames in porcelain -z output as one path", async () => {
    await rename(join(dir, "file.txt"), join(dir, "renamed.txt"));
    await git("add", "-A");

    expect(await createGitRepository(dir).uncommittedPaths()).toEqual(["renamed.txt"]);
    expect(parsePorcelainStatus("R  new.txt\0old.txt\0?? x.txt\0")).toEqual(["new.txt", "x.txt"]);
    await git("reset", "--quiet", "--hard");
  });
});
