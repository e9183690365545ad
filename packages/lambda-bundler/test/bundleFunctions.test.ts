import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionsOf } from "@tasklane/stack-config";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFunctions, findRepoRoot } from "../src/index.js";

const repoRoot = findRepoRoot(process.cwd());
const outRoots: string[] = [];
const SPECS = functionsOf("consumer").slice(0, 2);

type Build = { outRoot: string; results: Awaited<ReturnType<typeof bundleFunctions>> };

/** Builds the two functions into `outRoot`, or into a fresh folder. */
async function buildInto(outRoot?: string): Promise<Build> {
  const into = outRoot ?? (await mkdtemp(join(tmpdir(), "tasklane-bundles-")));
  outRoots.push(into);
  return {
    outRoot: into,
    results: await bundleFunctions({ repoRoot, outRoot: into, functions: SPECS }),
  };
}

// Three independent builds, read by every test below: two side by side in sibling folders, one
// in a folder four levels deeper.
let first: Build;
let second: Build;
let deep: Build;
beforeAll(async () => {
  first = await buildInto();
  second = await buildInto();
  deep = await buildInto(
    join(await mkdtemp(join(tmpdir(), "tasklane-bundles-")), "a", "much", "deeper", "folder"),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(outRoots.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("bundleFunctions", () => {
  it("is reproducible: building the same sources twice gives byte-identical zips", async () => {
    expect(first.results.map((r) => r.sha256)).toEqual(second.results.map((r) => r.sha256));
    for (const result of first.results) {
      const zip = join("apps", "consumer", "dist", result.zip);
      expect(await readFile(join(first.outRoot, zip))).toEqual(
        await readFile(join(second.outRoot, zip)),
      );
    }
  });

  it("puts no absolute path in a bundle: neither the checkout's nor the output folder's", async () => {
    const { outRoot, results } = first;

    for (const result of results) {
      const zip = await readFile(join(outRoot, "apps", "consumer", "dist", result.zip));
      const entries = unzipSync(zip);
      // The entry, its chunks, and a source map of each: exactly the files the result lists.
      expect(Object.keys(entries).sort(), result.name).toEqual(
        result.files.flatMap((file) => [file, `${file}.map`]).sort(),
      );
      expect(result.files[0]).toBe("index.mjs");
      for (const [file, bytes] of Object.entries(entries)) {
        const text = Buffer.from(bytes).toString("utf8");
        expect(text, `${result.name}/${file}`).not.toContain(repoRoot);
        expect(text, `${result.name}/${file}`).not.toContain(outRoot);
      }
    }
  });

  it("gives the same bytes wherever it writes them, so a check build matches the repository's", async () => {
    expect(deep.results.map((r) => r.sha256)).toEqual(first.results.map((r) => r.sha256));
  });

  it("writes a manifest with each bundle's sha256, in hex and in Lambda's base64", async () => {
    const { outRoot, results } = first;

    const manifest = JSON.parse(
      await readFile(join(outRoot, "apps/consumer/dist/bundles.json"), "utf8"),
    );

    expect(manifest.bundles).toHaveLength(results.length);
    for (const bundle of manifest.bundles) {
      expect(bundle.handler).toBe("index.handler");
      expect(Buffer.from(bundle.sha256Base64, "base64").toString("hex")).toBe(bundle.sha256);
    }
  });
});
