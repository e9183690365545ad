import { join } from "node:path";
import { esbuildOptionsFor, findRepoRoot } from "@tasklane/lambda-bundler";
import { functionsOf } from "@tasklane/stack-config";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const repoRoot = findRepoRoot(process.cwd());

// Task implementations and the step runner live in these files; contracts live elsewhere.
const TASK_CODE = [
  "packages/shared-task/src/definitions/exampleTasks.ts",
  "packages/shared-task/src/workflow/taskSteps.ts",
];

describe.each(functionsOf("producer"))("the $name bundle", (spec) => {
  it("carries task contracts but no task code", async () => {
    // Act
    const result = await build({
      ...esbuildOptionsFor(repoRoot, spec, join(repoRoot, ".tasklane", "bundle-check", spec.name)),
      write: false,
    });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    // Every module file: the entry and the chunks it loads on demand.
    const output = (result.outputFiles ?? [])
      .filter((f) => f.path.endsWith(".mjs"))
      .map((f) => f.text)
      .join("\n");

    // Assess
    for (const file of TASK_CODE) expect(inputs).not.toContain(file);
    expect(output).not.toContain("flaky fails on purpose");
    if (spec.name === "ingest" || spec.name === "catalog") {
      expect(inputs).toContain("packages/shared-task/src/definitions/exampleContracts.ts");
    }
  }, 30_000);
});
