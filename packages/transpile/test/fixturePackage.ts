import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const SOURCES: Record<string, string> = {
  "index.ts":
    'export type { Limit } from "./limits.js";\nexport { LIMIT, limitOf } from "./limits.js";\n',
  "limits.ts": [
    "export interface Limit { max: number }",
    "export const LIMIT: Limit = { max: 10 };",
    "export function limitOf(value: unknown): Limit {",
    "  const max = (value as { max?: number }).max ?? LIMIT.max;",
    "  return { max } satisfies Limit;",
    "}",
    "",
  ].join("\n"),
  "nested/clock.ts":
    "export class Clock {\n  constructor(private readonly now: () => number) {}\n  read(): number { return this.now(); }\n}\n",
};

/** A small ESM package with the real packages' compiler settings. */
export function writePackage(dir: string, sources: Record<string, string> = SOURCES): void {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.build.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2023",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        sourceMap: true,
        types: [],
        rootDir: "src",
        outDir: "dist",
      },
      include: ["src"],
    }),
  );
  for (const [file, text] of Object.entries(sources)) {
    mkdirSync(dirname(join(dir, "src", file)), { recursive: true });
    writeFileSync(join(dir, "src", file), text);
  }
}
