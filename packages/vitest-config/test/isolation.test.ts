import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const VITEST_BIN = join(
  dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
  "vitest.mjs",
);

// Two test files that one worker runs in order: the first stubs a variable and counts once in a
// module of the project's own; the second sets the variable in its beforeAll and counts again.
const FILES = {
  "counter.ts": "let count = 0;\nexport const countOnce = () => ++count;\n",
  "test/a.test.ts": `import { expect, it, vi } from "vitest";
import { countOnce } from "../counter.js";
it("stubs a variable and counts", () => {
  vi.stubEnv("TASKLANE_FIXTURE", "stubbed by a");
  expect(countOnce()).toBe(1);
});
`,
  "test/b.test.ts": `import { writeFileSync } from "node:fs";
import { beforeAll, it } from "vitest";
import { countOnce } from "../counter.js";
beforeAll(() => {
  process.env.TASKLANE_FIXTURE = "set by b's beforeAll";
});
it("writes down what it sees", () => {
  const seen = { env: process.env.TASKLANE_FIXTURE ?? null, count: countOnce() };
  writeFileSync(new URL("../seen.json", import.meta.url), JSON.stringify(seen));
});
`,
};

const fixtures: string[] = [];
afterAll(async () => {
  await Promise.all(fixtures.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs the two files under `isolation` in one worker, a before b; what b saw. */
async function runFixture(isolation: string): Promise<{ env: string | null; count: number }> {
  // Inside this package, so that the files resolve vitest from its node_modules.
  const root = await mkdtemp(join(PACKAGE_DIR, ".isolation-fixture-"));
  fixtures.push(root);
  await mkdir(join(root, "test"));
  for (const [file, text] of Object.entries(FILES)) await writeFile(join(root, file), text);
  await writeFile(
    join(root, "vitest.config.mjs"),
    `import { tasklaneVitestConfig } from ${JSON.stringify(join(PACKAGE_DIR, "index.js"))};
export default tasklaneVitestConfig({
  isolation: ${JSON.stringify(isolation)},
  test: {
    maxWorkers: 1,
    sequence: {
      sequencer: class {
        async shard(files) { return files; }
        async sort(files) { return [...files].sort((x, y) => x.moduleId.localeCompare(y.moduleId)); }
      },
    },
  },
});
`,
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [VITEST_BIN, "run", "--root", root, "--reporter", "json", "--outputFile", "results.json"],
    { cwd: root, env: { ...process.env, TASKLANE_FIXTURE: "" } },
  ).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`the fixture's vitest failed:\n${error.stdout}\n${error.stderr}`);
  });
  const results = JSON.parse(await readFile(join(root, "results.json"), "utf8"));
  expect(results.numPassedTests, stdout).toBe(2);
  return JSON.parse(await readFile(join(root, "seen.json"), "utf8"));
}

describe("tasklaneVitestConfig's isolation, across two files in one worker", () => {
  it('"modules": a file starts with no stubs left by the last one, and its own modules afresh', async () => {
    expect(await runFixture("modules")).toEqual({ env: "set by b's beforeAll", count: 1 });
  });

  it('"none": a file starts with no stubs left by the last one, and shares its modules', async () => {
    expect(await runFixture("none")).toEqual({ env: "set by b's beforeAll", count: 2 });
  });

  it('"process": a file starts in a fresh process', async () => {
    expect(await runFixture("process")).toEqual({ env: "set by b's beforeAll", count: 1 });
  });

  it("refuses an isolation it does not know, naming the ones it does", async () => {
    const { tasklaneVitestConfig } = await import("../index.js");
    expect(() => tasklaneVitestConfig({ isolation: "vm" as "none" })).toThrow(
      'isolation must be "process", "modules" or "none", not vm',
    );
  });
});
