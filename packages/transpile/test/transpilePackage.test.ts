import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBuildConfig, transpilePackage } from "../index.js";
import { writePackage } from "./fixturePackage.js";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

const read = (path: string) => readFileSync(path, "utf8");

describe("transpilePackage", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tasklane-transpile-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("writes what tsc writes for every source: the same .js and the same source map", () => {
    // Prepare: the package compiled by tsc, into another directory.
    const ours = join(root, "ours");
    const theirs = join(root, "theirs");
    for (const dir of [ours, theirs]) {
      mkdirSync(dir);
      writePackage(dir);
    }
    execFileSync(process.execPath, [tsc, "-p", join(theirs, "tsconfig.build.json")]);

    // Act
    const count = transpilePackage(ours);

    // Assess
    expect(count).toBe(3);
    for (const file of ["index.js", "limits.js", "nested/clock.js"]) {
      expect(read(join(ours, "dist", file))).toBe(read(join(theirs, "dist", file)));
      expect(JSON.parse(read(join(ours, "dist", `${file}.map`)))).toEqual(
        JSON.parse(read(join(theirs, "dist", `${file}.map`))),
      );
    }
  });

  it("leaves a current file alone, and replaces a stale one", () => {
    // Prepare
    writePackage(root);
    transpilePackage(root);
    const limits = join(root, "dist/limits.js");
    const clock = join(root, "dist/nested/clock.js");
    const limitsBefore = statSync(limits);
    writeFileSync(clock, "stale");

    // Act
    transpilePackage(root);

    // Assess
    expect(statSync(limits).ino).toBe(limitsBefore.ino);
    expect(statSync(limits).mtimeMs).toBe(limitsBefore.mtimeMs);
    expect(read(clock)).toContain("class Clock");
    expect(readdirSync(join(root, "dist/nested"))).toEqual(["clock.js", "clock.js.map"]);
  });

  it("leaves no module of a deleted source in dist/", () => {
    // Prepare
    writePackage(root);
    transpilePackage(root);
    rmSync(join(root, "src/nested/clock.ts"));

    // Act
    transpilePackage(root);

    // Assess
    expect(existsSync(join(root, "dist/nested/clock.js"))).toBe(false);
    expect(existsSync(join(root, "dist/limits.js"))).toBe(true);
  });

  it("names the file, line and column of a syntax error, and leaves the last build as it was", () => {
    // Prepare
    writePackage(root);
    transpilePackage(root);
    const before = read(join(root, "dist/limits.js"));
    writeFileSync(join(root, "src/limits.ts"), "export const LIMIT = {\n  max: 10,,\n};\n");

    // Act / Assess
    expect(() => transpilePackage(root)).toThrow(
      `${join(root, "src/limits.ts")}:2:11: Property assignment expected.`,
    );
    expect(read(join(root, "dist/limits.js"))).toBe(before);
  });

  it("says which tsconfig.build.json is missing rootDir or outDir", () => {
    // Prepare
    writePackage(root);
    writeFileSync(
      join(root, "tsconfig.build.json"),
      JSON.stringify({ compilerOptions: { outDir: "dist" }, include: ["src"] }),
    );

    // Act / Assess
    expect(() => readBuildConfig(root)).toThrow(
      `${join(root, "tsconfig.build.json")} must set compilerOptions.rootDir and outDir`,
    );
  });
});
