import { afterAll, describe, expect, it } from "vitest";
import { fixtureProject, removeFixtureProjects } from "./helpers/fixtureProject.js";

afterAll(removeFixtureProjects);

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

/** Runs the two files under `isolation` in one worker, a before b; what b saw. */
async function runFixture(isolation: string): Promise<{ env: string | null; count: number }> {
  const project = await fixtureProject(
    FILES,
    `{
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
}`,
    // The variable the files read starts empty, whatever this process holds.
    { TASKLANE_FIXTURE: "" },
  );
  await project.run(2);
  return JSON.parse(await project.read("seen.json"));
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
