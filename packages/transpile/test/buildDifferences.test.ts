import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDifferences, transpilePackage } from "../index.js";
import { writePackage } from "./fixturePackage.js";

/** The fixture package as `packages/lib` of a workspace at `root`. */
function writeWorkspacePackage(root: string): void {
  const dir = join(root, "packages/lib");
  mkdirSync(dir, { recursive: true });
  writePackage(dir);
}

/** Builds it as `pnpm build` builds the real ones (`tasklane-transpile`). */
function compile(root: string): void {
  transpilePackage(join(root, "packages/lib"));
}

describe("buildDifferences: is a workspace package's dist/ what its src/ compiles to", () => {
  // The package is built once and each test gets a copy.
  let compiled: string;
  let root: string;
  beforeAll(() => {
    compiled = mkdtempSync(join(tmpdir(), "tasklane-build-"));
    writeWorkspacePackage(compiled);
    compile(compiled);
  });
  afterAll(() => {
    rmSync(compiled, { recursive: true, force: true });
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tasklane-build-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** `root` becomes the package with its build, as its build left it. */
  const build = (): void => cpSync(compiled, root, { recursive: true });

  it("finds nothing when the build is current", () => {
    build();

    expect(buildDifferences(root, ["packages/lib"])).toEqual([]);
  });

  it("finds nothing when a source is only touched, as a branch switch or a turbo cache hit leaves it", () => {
    build();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "packages/lib/src/limits.ts"), later, later);

    expect(buildDifferences(root, ["packages/lib"])).toEqual([]);
  });

  it("names a source edited since the build", () => {
    build();
    writeFileSync(join(root, "packages/lib/src/limits.ts"), "export const LIMIT = { max: 20 };\n");

    expect(buildDifferences(root, ["packages/lib"])).toEqual([
      "packages/lib/src/limits.ts changed since its build",
    ]);
  });

  it("names a source added since the build", () => {
    build();
    writeFileSync(join(root, "packages/lib/src/added.ts"), "export const ADDED = true;\n");

    expect(buildDifferences(root, ["packages/lib"])).toEqual([
      "packages/lib/src/added.ts has no build",
    ]);
  });

  it("names a package that was never built", () => {
    writeWorkspacePackage(root);

    expect(buildDifferences(root, ["packages/lib"])).toEqual(["packages/lib has no build (dist/)"]);
  });
});
