import { afterAll, describe, expect, it } from "vitest";
import { fixtureProject, removeFixtureProjects } from "./helpers/fixtureProject.js";

afterAll(removeFixtureProjects);

/** A test file that writes down when it starts and then takes `ms`; `padding` bytes of comment. */
const timedFile = (
  name: string,
  ms: number,
  padding = 0,
) => `import { appendFileSync } from "node:fs";
import { it } from "vitest";
${"// padding\n".repeat(Math.ceil(padding / 11))}
it("${name}", async () => {
  appendFileSync(new URL("../order.txt", import.meta.url), "${name}\\n");
  await new Promise((resolve) => setTimeout(resolve, ${ms}));
});
`;

describe("the order test files start in, one worker", () => {
  it("is end-to-end files first on a fresh clone, then the longest first once timed", async () => {
    // Prepare: vitest alone would start the largest file first.
    const project = await fixtureProject(
      {
        "test/large.test.ts": timedFile("large", 400, 4_000),
        "test/burst.e2e.test.ts": timedFile("burst.e2e", 0),
        "test/medium.test.ts": timedFile("medium", 0, 2_000),
      },
      "{ isolation: 'none', test: { maxWorkers: 1 } }",
    );

    // Act
    await project.run(3);
    const fresh = (await project.read("order.txt")).trim().split("\n");
    await project.run(3);
    const timed = (await project.read("order.txt")).trim().split("\n").slice(3);

    // Assess
    expect(fresh).toEqual(["burst.e2e", "large", "medium"]);
    expect(timed[0]).toBe("large");
  });
});
