import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunctions, findRepoRoot } from "@tasklane/lambda-bundler";
import { FUNCTIONS, functionsOf } from "@tasklane/stack-config";
import { afterAll, describe, expect, it } from "vitest";
import { createBundleBuilder } from "../src/bundleBuilder.js";

const repoRoot = findRepoRoot(process.cwd());
const tempDirs: string[] = [];

async function tempDir(...nested: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tasklane-reproducible-"));
  tempDirs.push(dir);
  const outRoot = join(dir, ...nested);
  await mkdir(outRoot, { recursive: true });
  return outRoot;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// Invariant 7 rests on this: gate 2 compares a rebuild with the sha256s dev recorded, which only
// means something if building the same commit twice gives the same bytes.
describe("bundles are reproducible", () => {
  it("building every function of the catalog twice gives the same sha256s", async () => {
    // Prepare
    const [first, second] = [await tempDir(), await tempDir()];

    // Act: once with the bundler, once through gate 2's builder, side by side.
    const [once, twice] = await Promise.all([
      bundleFunctions({ repoRoot, functions: FUNCTIONS, outRoot: first }),
      createBundleBuilder({ repoRoot, outRoot: second }).rebuild(),
    ]);

    // Assess
    const hashes = Object.fromEntries(once.map((r) => [r.name, r.sha256]));
    expect(Object.keys(twice).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    expect(twice).toEqual(hashes);
  }, 120_000);

  it("bundles built in any folder, at any depth, are byte-identical", async () => {
    const spec = functionsOf("producer").slice(0, 1);
    const shallow = await tempDir();
    const deep = await tempDir("one", "two");

    const [a] = await bundleFunctions({ repoRoot, functions: spec, outRoot: shallow });
    const [b] = await bundleFunctions({ repoRoot, functions: spec, outRoot: deep });

    expect(b?.sha256).toBe(a?.sha256);
  }, 60_000);
});
