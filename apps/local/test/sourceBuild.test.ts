import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionSpec } from "@tasklane/stack-config";
import { waitFor } from "@tasklane/test-support";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildFromSource,
  type SourceBuild,
  type SourceBuildOptions,
} from "../src/lambda/sourceBuild.js";
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

type RebuildReport = Parameters<NonNullable<SourceBuildOptions["onRebuild"]>>[0];

const handlerSource = (word: string) =>
  `export const handler = async (): Promise<string> => ${JSON.stringify(word)};\n`;

/**
 * Replaces the file as an editor that saves atomically does. `writeFile` empties the file before
 * writing it, and a watch that looks in between builds an empty module, which has no handler.
 */
async function save(file: string, text: string): Promise<void> {
  await writeFile(`${file}.saving`, text);
  await rename(`${file}.saving`, file);
}

describe("building the handlers from source", () => {
  let repoRoot: string;
  let build: SourceBuild | undefined;

  afterEach(async () => {
    await build?.stop();
    await rm(repoRoot, { recursive: true, force: true });
  });

  /**
   * Writes the handler's source saying `word` in a fresh repository and watches it, a rebuild
   * reported at a time; resolves with the entry's file and the function the build loads into.
   */
  async function watchedHandler(word: string, rebuilds: RebuildReport[]) {
    repoRoot = await mkdtemp(join(tmpdir(), "tasklane-source-"));
    const file = join(repoRoot, "apps", SPEC.app, SPEC.entry);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, handlerSource(word));
    const fn = testFunction(() => "not built");
    // Nothing answers until the build has loaded the handler.
    delete fn.handler;
    build = await buildFromSource({
      repoRoot,
      functions: [{ spec: SPEC, fn }],
      watch: true,
      onRebuild: (report) => rebuilds.push(report),
    });
    return { file, call: () => fn.handler?.({}, {} as Context) };
  }

  it("loads the built handler, then rebuilds and swaps it in when its source changes", async () => {
    // Prepare
    const rebuilds: RebuildReport[] = [];

    // Act
    const { file, call } = await watchedHandler("hello", rebuilds);
    const first = await call();
    await save(file, handlerSource("hello again"));
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
    const rebuilds: RebuildReport[] = [];
    const { file, call } = await watchedHandler("stable", rebuilds);

    // Act
    await save(file, "export const handler = async () => {{;\n");
    await waitFor(() => (rebuilds.length > 0 ? true : undefined), { timeoutMs: 10_000 });

    // Assess
    expect(rebuilds[0]?.ok).toBe(false);
    expect(rebuilds[0]?.errors[0]).toContain("greet.ts");
    expect(await call()).toBe("stable");
  });
});
