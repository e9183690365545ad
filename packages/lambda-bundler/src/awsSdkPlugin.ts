import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";

/** The AWS SDK's generated schema modules (`dist-es/schemas/schemas_0.js` of each client). */
const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/][^\\/]+\.js$/;

/** `const _xN = "xmlName";`: the string constants a schema module names its keys and shapes by. */
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;

/** `{ [_xN]: ...` or `, [_xN]: ...`: a computed key naming one of those constants. */
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/**
 * Classes whose name SDK code reads at run time: it compares `logger.constructor.name` with
 * `"NoOpLogger"` to tell "no logger configured" (then it warns on `console`) from a real logger.
 * Minified without `keepNames`, the class would be called `a`, and those warnings (such as
 * node-http-handler's "socket usage at capacity") would go to the no-op logger.
 */
const NAMED_CLASSES: { module: RegExp; className: string }[] = [
  {
    module: /[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/].+[\\/]NoOpLogger\.js$/,
    className: "NoOpLogger",
  },
];

/**
 * Rewrites a schema module's computed keys that name its own string constants as the literal
 * keys they are (`{ [_xN]: _LBRi }` becomes `{ "xmlName": _LBRi }`): the same objects, but ones
 * esbuild can see are free of side effects, so it drops the schemas of operations nothing calls.
 * A key naming anything else is left as it is.
 */
export function literalSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
    constants.set(name as string, literal as string);
  }
  return source.replace(COMPUTED_KEY, (key, before: string, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `${before}${literal}:`;
  });
}

/** Gives an exported class a `name` that minifying cannot change. */
export function keepingClassName(source: string, className: string): string {
  return source.replace(
    new RegExp(`^export class ${className} \\{$`, "m"),
    (line) => `${line}\n    static name = ${JSON.stringify(className)};`,
  );
}

/**
 * Two changes to AWS SDK modules as esbuild loads them, neither changing what the code does:
 *
 * - Each client declares the schema of every operation and shape of its service in one module,
 *   with traits as computed keys (`{ [_hH]: _xaa }`). esbuild treats a computed key as a possible
 *   side effect (it inlines only short constants), so it kept the whole module: about 65 kB for
 *   S3 whatever a function calls. With the keys made literal, only the schemas of the operations
 *   a function uses stay.
 * - The classes whose name SDK code reads keep it, so the bundle can do without `keepNames`.
 */
export const awsSdkPlugin: Plugin = {
  name: "tasklane-aws-sdk",
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: literalSchemaKeys(await readFile(args.path, "utf8")),
      loader: "js",
    }));
    for (const { module, className } of NAMED_CLASSES) {
      build.onLoad({ filter: module }, async (args) => ({
        contents: keepingClassName(await readFile(args.path, "utf8"), className),
        loader: "js",
      }));
    }
  },
};
