// Plain JavaScript, like @tasklane/vitest-config: it builds the other packages, so it cannot
// wait for a build of its own.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";

/** @type {typeof import("typescript") | undefined} */
let loaded;
/** TypeScript, loaded on first use: the Pulumi program imports this module at every run. */
function typescript() {
  loaded ??= createRequire(import.meta.url)("typescript");
  return loaded;
}

/**
 * A package's `tsconfig.build.json`, read as `tsc -p` reads it. Each file is transpiled on its
 * own, which emits what `tsc` emits because the packages compile with `isolatedModules` and
 * `verbatimModuleSyntax`. The packages are ESM (`"type": "module"`), which NodeNext emits as
 * ESNext modules; a lone file cannot tell `transpileModule` its package's type, so it is said here.
 *
 * @param {string} packageDir
 * @returns {import("./index.js").BuildConfig}
 */
export function readBuildConfig(packageDir) {
  const ts = typescript();
  const configPath = join(packageDir, "tsconfig.build.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(
        `${configPath}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`,
      );
    },
  });
  if (!parsed) throw new Error(`${configPath} cannot be read`);
  if (parsed.errors.length > 0) {
    const messages = parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    throw new Error(`${configPath}: ${messages.join("; ")}`);
  }
  const { rootDir, outDir } = parsed.options;
  if (!rootDir || !outDir)
    throw new Error(`${configPath} must set compilerOptions.rootDir and outDir`);
  return {
    rootDir,
    outDir,
    options: { ...parsed.options, module: ts.ModuleKind.ESNext },
    sources: parsed.fileNames
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
      .sort(),
  };
}

/**
 * What the build writes for one source file: its `.js` (ending in the `sourceMappingURL` comment
 * when the config asks for source maps) and the map, named and pointing back as tsc's are.
 *
 * @param {import("./index.js").BuildConfig} config
 * @param {string} sourcePath an entry of `config.sources`
 * @returns {import("./index.js").EmittedFile}
 */
export function emitFile(config, sourcePath) {
  const ts = typescript();
  const jsPath = join(config.outDir, relative(config.rootDir, sourcePath)).replace(/\.ts$/, ".js");
  const output = ts.transpileModule(readFileSync(sourcePath, "utf8"), {
    compilerOptions: config.options,
    fileName: sourcePath,
    reportDiagnostics: true,
  });
  // Only the file's own (syntax) errors: the options' complaint about module ESNext with
  // moduleResolution NodeNext has no file, and no bearing on a lone file's emit.
  const syntaxError = output.diagnostics?.find((d) => d.file && d.start !== undefined);
  if (syntaxError?.file && syntaxError.start !== undefined) {
    const at = syntaxError.file.getLineAndCharacterOfPosition(syntaxError.start);
    const message = ts.flattenDiagnosticMessageText(syntaxError.messageText, "\n");
    throw new Error(`${sourcePath}:${at.line + 1}:${at.character + 1}: ${message}`);
  }
  if (output.sourceMapText === undefined) return { jsPath, js: output.outputText };
  const map = JSON.parse(output.sourceMapText);
  map.file = basename(jsPath);
  map.sources = [relative(dirname(jsPath), sourcePath).replaceAll("\\", "/")];
  return { jsPath, js: output.outputText, mapPath: `${jsPath}.map`, map: JSON.stringify(map) };
}

/**
 * Brings the package's `outDir` to what its sources emit: writes each file whose content is not
 * already that, and removes every other file there, so a deleted source leaves no module behind.
 * A file is replaced by a rename, never rewritten in place, and a current one is left alone, so
 * a process that loads the build meanwhile (another package's tests, in the same turbo run)
 * never reads a half-written module. Returns how many files it transpiled.
 *
 * @param {string} packageDir
 * @returns {number}
 */
export function transpilePackage(packageDir) {
  const config = readBuildConfig(packageDir);
  const outputs = new Map();
  for (const file of config.sources.map((source) => emitFile(config, source))) {
    outputs.set(file.jsPath, file.js);
    if (file.mapPath) outputs.set(file.mapPath, file.map);
  }
  for (const [path, text] of outputs) {
    if (existsSync(path) && readFileSync(path, "utf8") === text) continue;
    mkdirSync(dirname(path), { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, path);
  }
  if (existsSync(config.outDir)) {
    for (const entry of readdirSync(config.outDir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (entry.isFile() && !outputs.has(path)) rmSync(path);
    }
  }
  return config.sources.length;
}

/**
 * What differs between these packages' sources and their builds: a package without `dist/`, a
 * source file without its `.js`, or a `.js` that is not what the build emits for its source today
 * (the source changed since `pnpm build`). Paths are relative to `root`; empty when every build is
 * current. It compares contents, not times: turbo restores a cached build without touching it
 * when the sources' contents are unchanged, however new their mtimes.
 *
 * @param {string} root
 * @param {readonly string[]} packageDirs relative to `root`
 * @returns {string[]}
 */
export function buildDifferences(root, packageDirs) {
  return packageDirs.flatMap((packageDir) => {
    const dir = join(root, packageDir);
    if (!existsSync(join(dir, "dist"))) return [`${packageDir} has no build (dist/)`];
    const config = readBuildConfig(dir);
    for (const source of config.sources) {
      const where = relative(root, source);
      const { jsPath, js } = emitFile(config, source);
      if (!existsSync(jsPath)) return [`${where} has no build`];
      if (js !== readFileSync(jsPath, "utf8")) return [`${where} changed since its build`];
    }
    return [];
  });
}
