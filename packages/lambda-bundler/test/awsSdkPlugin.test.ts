import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { keepingClassName, literalSchemaKeys } from "../src/awsSdkPlugin.js";

/** Runs a schema-module-like snippet and returns what it declares as `schema`. */
function evaluate(source: string): unknown {
  return new Function(`${source}\nreturn schema;`)();
}

// Shaped as the SDK generates it: string constants first, then schemas keyed by them.
const SCHEMA_MODULE = `const _hH = "httpHeader";
const _xN = "xmlName";
const _q = "it's \\"quoted\\"";
const _LBRi = "ListBucketResult";
const n0 = "com.amazonaws.s3";
var schema = [3, n0, _LBRi,
    { [_xN]: _LBRi },
    [0, { [_hH]: "x-amz-request-charged", [_q]: 1 }]
];`;

describe("literalSchemaKeys", () => {
  it("turns computed keys naming the module's string constants into literal keys", () => {
    // Act
    const rewritten = literalSchemaKeys(SCHEMA_MODULE);

    // Assess
    expect(rewritten).toContain(`{ "xmlName": _LBRi }`);
    expect(rewritten).toContain(
      `{ "httpHeader": "x-amz-request-charged", "it's \\"quoted\\"": 1 }`,
    );
    expect(rewritten).not.toMatch(/\[_\w+\]:/);
  });

  it("builds the very same schema objects as the module it rewrites", () => {
    expect(evaluate(literalSchemaKeys(SCHEMA_MODULE))).toEqual(evaluate(SCHEMA_MODULE));
  });

  it("leaves alone keys naming anything but a string constant, and what is not a key", () => {
    // Prepare
    const source = `import { _imported } from "./elsewhere";
const _n = 3;
var a = { [_imported]: 1, [_n]: 2 };
var b = ready ? [_n]: [];`;

    // Act, Assess
    expect(literalSchemaKeys(source)).toBe(source);
  });
});

describe("keepingClassName", () => {
  const NO_OP_LOGGER = "export class NoOpLogger {\n    warn() { }\n}\n";

  /** The `name` of the class a module exports, once minified as the bundles are. */
  async function minifiedName(source: string): Promise<string> {
    const { code } = await transform(source, { minify: true, format: "esm" });
    const module = await import(`data:text/javascript,${encodeURIComponent(code)}`);
    return module.NoOpLogger.name;
  }

  it("keeps the name SDK code compares `logger.constructor.name` with", async () => {
    expect(await minifiedName(NO_OP_LOGGER)).not.toBe("NoOpLogger");
    expect(await minifiedName(keepingClassName(NO_OP_LOGGER, "NoOpLogger"))).toBe("NoOpLogger");
  });
});
