import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const VITEST_BIN = join(
  dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
  "vitest.mjs",
);

const fixtures: string[] = [];

/**
 * Removes the projects made so far: each test file calls it in its `afterAll` (this package's
 * files share one worker and load this module once, so it cannot register the hook itself).
 */
export async function removeFixtureProjects(): Promise<void> {
  const made = fixtures.splice(0);
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * A project of `files` whose vitest.config.mjs is `tasklaneVitestConfig(<options>)`, `options`
 * written as JavaScript, run with `env` added to this process's environment. It is made inside
 * this package, so that its files resolve vitest from the package's node_modules;
 * `removeFixtureProjects` removes it.
 */
export async function fixtureProject(
  files: Record<string, string>,
  options: string,
  env: Record<string, string> = {},
) {
  const root = await mkdtemp(join(PACKAGE_DIR, ".fixture-"));
  fixtures.push(root);
  await mkdir(join(root, "test"));
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  await writeFile(
    join(root, "vitest.config.mjs"),
    `import { tasklaneVitestConfig } from ${JSON.stringify(join(PACKAGE_DIR, "index.js"))};
export default tasklaneVitestConfig(${options});
`,
  );
  return {
    /** Runs its tests, and expects `passed` of them to pass. */
    async run(passed: number): Promise<void> {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [VITEST_BIN, "run", "--root", root, "--reporter", "json", "--outputFile", "results.json"],
        { cwd: root, env: { ...process.env, ...env } },
      ).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`the fixture's vitest failed:\n${error.stdout}\n${error.stderr}`);
      });
      const results = JSON.parse(await readFile(join(root, "results.json"), "utf8"));
      expect(results.numPassedTests, stdout).toBe(passed);
    },
    read: (file: string) => readFile(join(root, file), "utf8"),
  };
}
