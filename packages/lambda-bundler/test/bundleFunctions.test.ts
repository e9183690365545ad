import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionsOf } from "@tasklane/stack-config";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFunctions, findRepoRoot } from "../src/index.js";

const repoRoot = findRepoRoot(process.cwd());
const outRoots: string[] = [];

async function buildInto() {
  const outRoot = await mkdtemp(join(tmpdir(), "tasklane-bundles-"));
  outRoots.push(outRoot);
  const results = await bundleFunctions({
    repoRoot,
    outRoot,
    functions: functionsOf("consumer").slice(0, 2),
  });
  return { outRoot, results };
}

afterAll(async () => {
  await Promise.all(outRoots.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("bundleFunctions", () => {
  it("is reproducible: building the same sources twice gives byte-identical zips", async () => {
    const first = await buildInto();
    const second = await buildInto();

    expect(first.results.map((r) => r.sha256)).toEqual(second.results.map((r) => r.sha256));
    for (const result of first.results) {
      const zip = join("apps", "consumer", "dist", result.zip);
      expect(await readFile(join(first.outRoot, zip))).toEqual(
        await readFile(join(second.outRoot, zip)),
      );
    }
  }, 60_000);

  it("puts no absolute path in a bundle: neither the checkout's nor the output folder's", async () => {
    const { outRoot, results } = await buildInto();

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
  }, 60_000);

  it("gives the same bytes wherever it writes them, so a check build matches the repository's", async () => {
    const shallow = await buildInto();
    const deepRoot = join(
      await mkdtemp(join(tmpdir(), "tasklane-bundles-")),
      "a",
      "much",
      "deeper",
      "folder",
    );
    outRoots.push(deepRoot);
    const deep = await bundleFunctions({
      repoRoot,
      outRoot: deepRoot,
      functions: functionsOf("consumer").slice(0, 2),
    });

    expect(deep.map((r) => r.sha256)).toEqual(shallow.results.map((r) => r.sha256));
  }, 60_000);

  it("writes a manifest with each bundle's sha256, in hex and in Lambda's base64", async () => {
    const { outRoot, results } = await buildInto();

    const manifest = JSON.parse(
      await readFile(join(outRoot, "apps/consumer/dist/bundles.json"), "utf8"),
    );

    expect(manifest.bundles).toHaveLength(results.length);
    for (const bundle of manifest.bundles) {
      expect(bundle.handler).toBe("index.handler");
      expect(Buffer.from(bundle.sha256Base64, "base64").toString("hex")).toBe(bundle.sha256);
    }
  }, 60_000);
});
