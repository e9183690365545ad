import { describe, expect, it } from "vitest";
import { contributorsOf, packageOfInput } from "../src/coldStart/bundleContributors.js";

describe("bundle contributors", () => {
  it.each([
    {
      input: "node_modules/.pnpm/@smithy+core@3.41.0/node_modules/@smithy/core/dist-cjs/index.js",
      expected: "@smithy/core",
    },
    { input: "node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/core/api.js", expected: "zod" },
    { input: "node_modules/bowser/es5.js", expected: "bowser" },
    { input: "packages/shared-task/src/taskSteps.ts", expected: "packages/shared-task" },
    { input: "apps/producer/src/handlers/ingest.ts", expected: "apps/producer" },
    { input: "<runtime>", expected: "<runtime>" },
  ])("groups $input under $expected", ({ input, expected }) => {
    expect(packageOfInput(input)).toBe(expected);
  });

  it("adds up each package's bytes in the output, largest first, and counts CommonJS bytes", () => {
    // Prepare: a metafile as esbuild writes it, with a source map output beside the bundle.
    const cjs = "node_modules/.pnpm/@smithy+core@3/node_modules/@smithy/core/dist-cjs/index.js";
    const esm = "node_modules/.pnpm/@smithy+core@3/node_modules/@smithy/core/dist-es/cbor.js";
    const zod = "node_modules/.pnpm/zod@4/node_modules/zod/v4/classic/schemas.js";
    const own = "apps/producer/src/handlers/ingest.ts";
    const metafile = {
      inputs: {
        [cjs]: { bytes: 900, imports: [], format: "cjs" as const },
        [esm]: { bytes: 300, imports: [], format: "esm" as const },
        [zod]: { bytes: 700, imports: [], format: "esm" as const },
        [own]: { bytes: 100, imports: [], format: "esm" as const },
      },
      outputs: {
        "apps/producer/dist/ingest/index.mjs.map": {
          bytes: 9,
          inputs: {},
          imports: [],
          exports: [],
        },
        "apps/producer/dist/ingest/index.mjs": {
          bytes: 1000,
          entryPoint: own,
          imports: [],
          exports: ["handler"],
          inputs: {
            [cjs]: { bytesInOutput: 400 },
            [esm]: { bytesInOutput: 200 },
            [zod]: { bytesInOutput: 500 },
            [own]: { bytesInOutput: 50 },
          },
        },
      },
    };

    // Act
    const contributors = contributorsOf(metafile);

    // Assess
    expect(contributors).toEqual([
      { name: "@smithy/core", bytes: 600, cjsBytes: 400 },
      { name: "zod", bytes: 500, cjsBytes: 0 },
      { name: "apps/producer", bytes: 50, cjsBytes: 0 },
    ]);
  });
});
