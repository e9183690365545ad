import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bundlePaths, FUNCTIONS, type FunctionSpec, functionsOf } from "@tasklane/stack-config";
import type { Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { findRepoRoot, moduleFiles } from "../src/index.js";

const repoRoot = findRepoRoot(process.cwd());

/** What the tests read of one function's bundle, taken once. */
interface BuiltBundle {
  metafile: Metafile;
  /** All its module files' code, the chunks included. */
  code: string;
  /** The code a cold start loads (`index.mjs` and its static chunks). */
  coldStartCode: string;
  /** The npm packages whose code is in any of its module files... */
  packages: Set<string>;
  /** ...and in those a cold start loads. */
  coldStartPackages: Set<string>;
}
const bundles = new Map<string, BuiltBundle>();

// The bundles the checkout ships: what `pnpm build` wrote to apps/*/dist with this package's
// bundleFunctions (this package's turbo.json has the test wait for the producer's and the
// consumer's builds). That they are what the sources build is the release tool's test.
beforeAll(async () => {
  for (const spec of FUNCTIONS) {
    const dir = bundlePaths(spec).dir;
    const metaFile = join(repoRoot, dir, "meta.json");
    if (!existsSync(metaFile)) throw new Error(`${dir}/meta.json is missing: run \`pnpm build\``);
    const metafile = JSON.parse(await readFile(metaFile, "utf8")) as Metafile;
    const modules = moduleFiles(metafile, dir);
    // Each module file read once; a cold start's are some of them.
    const texts = new Map(
      await Promise.all(
        modules.all.map(
          async (m) => [m.file, await readFile(join(repoRoot, dir, m.file), "utf8")] as const,
        ),
      ),
    );
    const joined = (files: { file: string }[]) => files.map((f) => texts.get(f.file)).join("\n");
    const coldStartOutputs = new Set(modules.coldStart.map((m) => `${dir}/${m.file}`));
    bundles.set(spec.name, {
      metafile,
      code: joined(modules.all),
      coldStartCode: joined(modules.coldStart),
      packages: packagesOf(metafile),
      coldStartPackages: packagesOf(metafile, coldStartOutputs),
    });
  }
});

/** The npm package an input path belongs to (the name after its last `node_modules/`). */
function packageOf(input: string): string | undefined {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const parts = input.slice(at + "node_modules/".length).split("/");
  return (parts[0]?.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/**
 * The inputs whose code ended up in the bundle, in any of its module files (tree-shaken files
 * stay in `inputs`), or only in those a cold start loads.
 */
function bundledInputs(metafile: Metafile, only?: ReadonlySet<string>): string[] {
  return Object.entries(metafile.outputs)
    .filter(([path]) => path.endsWith(".mjs") && (!only || only.has(path)))
    .flatMap(([, output]) => Object.entries(output.inputs))
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

function packagesOf(metafile: Metafile, only?: ReadonlySet<string>): Set<string> {
  return new Set(bundledInputs(metafile, only).flatMap((path) => packageOf(path) ?? []));
}

/** Packages that publish only CommonJS; anything else must come in as ESM. */
const COMMONJS_ONLY = new Set([
  // @aws-sdk/endpoint-cache's LRU cache (DynamoDB endpoint discovery).
  "mnemonist",
  "obliterator",
]);

// Task implementations and the step runner live in these files; contracts live elsewhere.
const TASK_CODE = [
  "packages/shared-task/src/definitions/exampleTasks.ts",
  "packages/shared-task/src/workflow/taskSteps.ts",
];

/** The AWS SDK client each setting implies: a function bundles a client only if it uses it. */
const CLIENT_SETTINGS: [client: string, uses: (spec: FunctionSpec) => boolean][] = [
  ["@aws-sdk/client-dynamodb", (spec) => spec.env.includes("tableName")],
  [
    "@aws-sdk/client-s3",
    (spec) => spec.env.includes("payloadsBucket") || spec.env.includes("resultsBucket"),
  ],
  ["@aws-sdk/client-sqs", (spec) => spec.env.includes("queueUrl")],
  ["@aws-sdk/client-sfn", (spec) => spec.env.includes("stateMachineArn")],
];

describe.each(FUNCTIONS.map((spec) => ({ name: spec.name, spec })))(
  "the $name bundle",
  ({ name, spec }) => {
    const bundle = () => bundles.get(name) as BuiltBundle;

    it("takes the AWS SDK as ESM, never its CommonJS builds", () => {
      const { metafile } = bundle();

      const commonJs = Object.entries(metafile.inputs)
        .filter(([path, input]) => input.format === "cjs" || path.includes("/dist-cjs/"))
        .map(([path]) => path)
        .filter((path) => /^@(aws-sdk|smithy|aws-lambda-powertools)\//.test(packageOf(path) ?? ""));

      expect(commonJs).toEqual([]);
    });

    it("bundles CommonJS only from packages that publish nothing else", () => {
      const { metafile } = bundle();

      const commonJs = bundledInputs(metafile).filter(
        (path) =>
          metafile.inputs[path]?.format === "cjs" && !COMMONJS_ONLY.has(packageOf(path) ?? ""),
      );

      expect(commonJs).toEqual([]);
    });

    it("takes credentials from the environment only: no default chain, no STS or SSO clients", () => {
      const { packages } = bundle();

      const chain = [...packages].filter((pkg) =>
        /^@aws-sdk\/(credential-provider-(?!env$)|nested-clients|client-sts|client-sso)/.test(pkg),
      );

      expect(chain).toEqual([]);
    });

    it.each(CLIENT_SETTINGS)(
      "bundles %s exactly when its settings say it is used",
      (client, uses) => {
        expect(bundle().packages.has(client)).toBe(uses(spec));
      },
    );

    it("loads the S3 client only on demand: never at a cold start", () => {
      const { packages, coldStartPackages, code, coldStartCode } = bundle();

      expect(coldStartPackages.has("@aws-sdk/client-s3")).toBe(false);
      expect(coldStartCode).not.toContain('"PutObjectRequest"');
      if (packages.has("@aws-sdk/client-s3")) {
        expect(code).toContain('"PutObjectRequest"');
      }
    });

    it("keeps the name of the SDK's NoOpLogger, which SDK code compares", () => {
      const inputs = Object.keys(bundle().metafile.inputs);
      if (!inputs.some((path) => path.endsWith("/NoOpLogger.js"))) return;

      expect(bundle().code).toContain('static name="NoOpLogger"');
    });

    it("carries no schema of an AWS operation no handler calls", () => {
      // Shapes of S3 and DynamoDB operations Tasklane never calls; a client keeps them only if
      // esbuild cannot drop its unused schemas.
      for (const shape of [
        "SelectObjectContentRequest",
        "ListObjectsV2Output",
        "ExecuteStatementInput",
      ]) {
        expect(bundle().code, shape).not.toContain(`"${shape}"`);
      }
    });
  },
);

describe.each(functionsOf("producer").map((spec) => ({ name: spec.name })))(
  "the API's $name bundle",
  ({ name }) => {
    it("carries task contracts but no task code", () => {
      const { metafile, code } = bundles.get(name) as BuiltBundle;
      const inputs = Object.keys(metafile.inputs);

      for (const file of TASK_CODE) expect(inputs).not.toContain(file);
      expect(code).not.toContain("flaky fails on purpose");
      if (name === "ingest" || name === "catalog") {
        expect(inputs).toContain("packages/shared-task/src/definitions/exampleContracts.ts");
      }
    });
  },
);
