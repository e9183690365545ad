import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BundleRecord, deterministicZip, findRepoRoot } from "@tasklane/lambda-bundler";
import { bundlePaths, FUNCTIONS } from "@tasklane/stack-config";
import { afterAll, describe, expect, it } from "vitest";
import { createBundleBuilder } from "../src/bundleBuilder.js";

const repoRoot = findRepoRoot(process.cwd());
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tasklane-reproducible-"));
  tempDirs.push(dir);
  return dir;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// Invariant 7 rests on this: gate 2 compares a rebuild with the sha256s dev recorded, which only
// means something if building the same commit twice gives the same bytes. The first build is the
// checkout's own (`pnpm build`; this package's turbo.json has the test wait for it). That a build
// gives the same bytes in a folder of any depth is lambda-bundler's own test (bundleFunctions).
describe("bundles are reproducible", () => {
  it("a rebuild of every function of the catalog gives the sha256s `pnpm build` recorded", async () => {
    // Prepare: what `pnpm build` made in the checkout (turbo builds the apps before this test).
    const built = new Map<string, BundleRecord>();
    for (const manifest of new Set(FUNCTIONS.map((spec) => bundlePaths(spec).manifest))) {
      const { bundles } = JSON.parse(await readFile(join(repoRoot, manifest), "utf8")) as {
        bundles: BundleRecord[];
      };
      for (const bundle of bundles) built.set(bundle.name, bundle);
    }

    // Act: gate 2's builder, in another folder, as a release rebuilds dev's commit.
    const rebuilt = await createBundleBuilder({ repoRoot, outRoot: await tempDir() }).rebuild();

    // Assess
    expect(Object.keys(rebuilt).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    expect(
      rebuilt,
      "the bundles in apps/*/dist are what pnpm build made: run it again after changing a source",
    ).toEqual(Object.fromEntries([...built].map(([name, b]) => [name, b.sha256])));

    // No bundle holds the absolute path of the checkout, so a rebuild in another checkout (a
    // laptop's, of a release CI built) gives the same bytes. The zip is compressed, so its files
    // are read where the bundler left them, after checking that zipping them again gives the
    // zip's very bytes.
    for (const spec of FUNCTIONS) {
      const paths = bundlePaths(spec);
      const zip = await readFile(join(repoRoot, paths.zip));
      const names = (built.get(spec.name)?.files ?? []).flatMap((file) => [file, `${file}.map`]);
      expect(names, `${spec.name}: its files`).toContain("index.mjs");
      const files: Record<string, Buffer> = {};
      for (const name of names) files[name] = await readFile(join(repoRoot, paths.dir, name));
      expect(sha256(deterministicZip(files)), `${spec.name}: the zip holds these files`).toBe(
        sha256(zip),
      );
      for (const bytes of [zip, ...Object.values(files)]) {
        expect(bytes.includes(repoRoot), `${spec.name} contains ${repoRoot}`).toBe(false);
      }
    }
  }, 120_000);
});
