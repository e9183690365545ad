import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunctions, deterministicZip, findRepoRoot } from "@tasklane/lambda-bundler";
import { bundlePaths, FUNCTIONS, functionsOf } from "@tasklane/stack-config";
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

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
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

    // No bundle holds the absolute path of the checkout (or of the folder it was built in), so
    // a rebuild in another checkout (a laptop's, of a release CI built) gives the same bytes.
    // The zip is compressed, so its files are read where the bundler left them, after
    // checking that zipping them again gives the zip's very bytes.
    for (const spec of FUNCTIONS) {
      const paths = bundlePaths(spec);
      const zip = await readFile(join(first, paths.zip));
      const result = once.find((r) => r.name === spec.name);
      const names = (result?.files ?? []).flatMap((file) => [file, `${file}.map`]);
      expect(names, `${spec.name}: its files`).toContain("index.mjs");
      const files: Record<string, Buffer> = {};
      for (const name of names) files[name] = await readFile(join(first, paths.dir, name));
      expect(sha256(deterministicZip(files)), `${spec.name}: the zip holds these files`).toBe(
        sha256(zip),
      );
      for (const bytes of [zip, ...Object.values(files)]) {
        for (const absolute of [repoRoot, first]) {
          expect(bytes.includes(absolute), `${spec.name} contains ${absolute}`).toBe(false);
        }
      }
    }
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
