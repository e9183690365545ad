import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";

/**
 * The task input of `--input <json>` or `--input-file <path>`, parsed; `undefined` when neither
 * is given (the task type's schema decides whether that is allowed).
 */
export async function readJsonInput(
  options: { input?: string; inputFile?: string },
  cwd: string,
): Promise<unknown> {
  if (options.input !== undefined) return parseJson(options.input, "--input");
  if (options.inputFile === undefined) return undefined;
  const path = resolve(cwd, options.inputFile);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read --input-file ${options.inputFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { fix: "give the path of a JSON file, relative to the current folder" },
    );
  }
  return parseJson(text, `--input-file ${options.inputFile}`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`, {
      fix: `quote the JSON for your shell, e.g. --input '{"text": "hello"}'`,
    });
  }
}
