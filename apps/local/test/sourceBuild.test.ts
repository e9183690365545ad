import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionSpec } from "@tasklane/stack-config";
import { waitFor } from "@tasklane/test-support";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { buildFromSource, type SourceBuild } from "../src/lambda/sourceBuild.js";
import { testFunction } from "./helpers/localFunctions.js";

const SPEC: FunctionSpec = {
  name: "greet",
  app: "producer",
  entry: "src/handlers/greet.ts",
  description: "A handler written by the test.",
  role: "api",
  env: [],
  table: [],
};

const handlerSource = (word: string) =>
  `export const handler = async (): Promise<string> => ${JSON.stringify(word)};\n`;

describe("building the handlers from source", () => {
  let repoRoot: string;
  let build: SourceBuild | undefined;

  afterEach(async () => {
    await build?.stop();
    await rm(repoRoot, { recursive: true, force: true });
  });

  it("loads the built handler, then rebuilds and swaps it in when its source changes", async () => {
    // Prepare
    repoRoot = await mkdtemp(join(tmpdir(), "tasklane-source-"));
    const file = join(repoRoot, "apps", SPEC.app, SPEC.entry);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, handlerSource("hello"));
    const fn = testFunction(() => "not built");
    delete fn.handler;
    const rebuilds: { ok: boolean; functions: string[] }[] = [];
    const call = () => fn.handler?.({}, {} as Context);

    // Act
    build = await buildFromSource({
      repoRoot,
      functions: [{ spec: SPEC, fn }],
      watch: true,
      onRebuild: (report) => rebuilds.push(report),
    });
    const first = await call();
    await writeFile(file, handlerSource("hello again"));
    const reload = await waitFor(() => rebuilds.find((r) => r.ok), {
      timeoutMs: 10_000,
      what: "a rebuild",
    });
    const second = await call();

    // Assess
    expect(first).toBe("hello");
    expect(second).toBe("hello again");
    expect(reload.functions).toEqual(["test-fn"]);
  });

  it("reports a rebuild that fails and keeps the previous handler", async () => {
    // Prepare
    repoRoot = await mkdtemp(join(tmpdir(), "tasklane-source-"));
    const file = join(repoRoot, "apps", SPEC.app, SPEC.entry);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, handlerSource("stable"));
    const fn = testFunction(() => "not built");
    const rebuilds: { ok: boolean; errors: string[] }[] = [];
    build = await buildFromSource({
      repoRoot,
      functions: [{ spec: SPEC, fn }],
      watch: true,
      onRebuild: (report) => rebuilds.push(report),
    });

    // Act
    await writeFile(file, "export const handler = async () => {{;\n");
    await waitFor(() => (rebuilds.length > 0 ? true : undefined), { timeoutMs: 10_000 });

    // Assess
    expect(rebuilds[0]?.ok).toBe(false);
    expect(rebuilds[0]?.errors[0]).toContain("greet.ts");
    expect(await fn.handler?.({}, {} as Context)).toBe("stable");
  });
});
