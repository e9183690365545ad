import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("../", import.meta.url));
const exportsMap = JSON.parse(readFileSync(`${packageRoot}package.json`, "utf8")).exports as Record<
  string,
  { "@tasklane/source": string }
>;

/**
 * Every module of this package an entry point reaches, following imports (type-only ones too)
 * the way TypeScript resolves them for Node: what a bundler of that entry would read.
 */
function modulesReachedFrom(entry: string): string[] {
  const source = exportsMap[entry]?.["@tasklane/source"];
  if (!source) throw new Error(`package.json exports no ${entry}`);
  const program = ts.createProgram([`${packageRoot}${source}`], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    types: [],
  });
  return program
    .getSourceFiles()
    .map((file) => relative(packageRoot, file.fileName))
    .filter((file) => file.startsWith("src/"))
    .sort();
}

// The producer bundles `.` and `./contracts` to validate requests: they must never pull in the
// example tasks' code or the step runner, which only the consumer may carry.
const CONSUMER_ONLY = ["src/definitions/exampleTasks.ts", "src/workflow/taskSteps.ts"];

describe("entry points", () => {
  it.each([
    [".", "src/workflow/buildWorkflow.ts"],
    ["./contracts", "src/definitions/exampleContracts.ts"],
  ])("%s reaches no task code and no step runner", (entry, itsOwn) => {
    const reached = modulesReachedFrom(entry);

    expect(reached).toContain(itsOwn);
    for (const module of CONSUMER_ONLY) expect(reached).not.toContain(module);
  });

  // API clients and the console's page import these: they reach no other module of this package.
  it.each([
    ["./statuses", "src/statuses.ts"],
    ["./constants", "src/constants.ts"],
  ])("%s reaches only %s", (entry, itself) => {
    expect(modulesReachedFrom(entry)).toEqual([itself]);
  });

  it.each([
    ["./tasks", "src/definitions/exampleTasks.ts"],
    ["./steps", "src/workflow/taskSteps.ts"],
  ])("%s does reach %s, so the check above can see it", (entry, module) => {
    expect(modulesReachedFrom(entry)).toContain(module);
  });
});
