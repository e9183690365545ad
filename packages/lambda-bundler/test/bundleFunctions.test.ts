import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionsOf } from "@tasklane/stack-config";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFunctions, findRepoRoot } from "../src/index.js";

const repoRoot = findRepoRoot(process.cwd());
const SPECS = functionsOf("consumer").slice(0, 2);
let temp: string | undefined;
let outRoot: string;
let results: Awaited<ReturnType<typeof bundleFunctions>>;

// One build of two functions, four levels deeper than any checkout, read by every test below.
// The other build they are compared with is the checkout's own (`pnpm build`; this package's
// turbo.json has the test wait for it): two independent builds, in two places.
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "tasklane-bundles-"));
  outRoot = join(temp, "a", "much", "deeper", "folder");
  results = await bundleFunctions({ repoRoot, outRoot, functions: SPECS });
}, 120_000);

afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("bundleFunctions", () => {
  it("is reproducible wherever it writes: a build in a deep folder gives the checkout's zips, byte for byte", async () => {
    for (const result of results) {
      const zip = join("apps", "consumer", "dist", result.zip);
      expect(
        await readFile(join(outRoot, zip)),
        `${zip} differs from the checkout's: run pnpm build again after changing a source`,
      ).toEqual(await readFile(join(repoRoot, zip)));
    }
  });

  it("puts no absolute path in a bundle: neither the checkout's nor the output folder's", async () => {
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

  it("writes a manifest with each bundle's sha256, in hex and in Lambda's base64", async () => {
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
