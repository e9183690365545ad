import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** One line of a tasks file, numbered from 1, without its line ending. */
export interface TaskLine {
  line: number;
  text: string;
}

/** A task as a line of `submit-many` describes it. */
export interface TaskSubmission {
  type: string;
  input?: unknown;
  idempotencyKey?: string;
}

/** Why a line was not accepted: the API's problem, or the CLI's own reading of it. */
export interface LineError {
  title: string;
  detail: string;
  /** The HTTP status, when the API answered. */
  status?: number;
  /** The fields the API named. */
  errors?: { path: string; message: string }[];
}

/** Reads a file line by line, CRLF or LF, without holding it in memory. */
export async function* readTaskLines(path: string): AsyncGenerator<TaskLine> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, "") : text };
  }
}

/** How many lines `readTaskLines` yields for the file: a last line without a newline counts. */
export async function countLines(path: string): Promise<number> {
  let count = 0;
  let last = -1;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    for (const byte of bytes) if (byte === 0x0a) count++;
    if (bytes.length > 0) last = bytes[bytes.length - 1] as number;
  }
  return last !== -1 && last !== 0x0a ? count + 1 : count;
}

/**
 * Reads one line as a task: a JSON object with a `type`. Anything else is rejected here, with
 * the reason; the API checks the rest (the type exists, the input matches its schema).
 */
export function parseTaskLine(text: string): { task: TaskSubmission } | { error: LineError } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      error: { title: "Not JSON", detail: `the line is not JSON: ${(error as Error).message}` },
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      error: {
        title: "Not a task",
        detail: 'a line must be a JSON object like {"type": "echo", "input": {"text": "hi"}}',
      },
    };
  }
  const { type } = value as { type?: unknown };
  if (typeof type !== "string" || type === "") {
    return {
      error: {
        title: "Not a task",
        detail:
          "`type` must be a non-empty string naming a task type (`tasklane types` lists them)",
        errors: [
          { path: "type", message: type === undefined ? "required" : "must be a non-empty string" },
        ],
      },
    };
  }
  return { task: value as TaskSubmission };
}
