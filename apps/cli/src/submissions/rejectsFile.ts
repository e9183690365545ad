import { type FileHandle, open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RejectedLine } from "./submitLines.js";

/** `tasks.jsonl` -> `tasks.rejects.jsonl`, next to it. */
export function defaultRejectsPath(inputPath: string): string {
  const name = basename(inputPath).replace(/\.(?:jsonl|ndjson|json|txt)$/i, "");
  return join(dirname(inputPath), `${name}.rejects.jsonl`);
}

/**
 * The rejects file: one JSON line per rejected line, `{ line, text, error }`, written as each is
 * known, so an interrupted run still leaves every reject it saw. `text` is the line as it was,
 * so `jq -r .text tasks.rejects.jsonl` gives back a tasks file to fix and submit again.
 */
export class RejectsFile {
  private writes: Promise<void> = Promise.resolve();
  count = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates (or empties) the file: after a run it holds that run's rejects, even none. */
  static async create(path: string): Promise<RejectsFile> {
    return new RejectsFile(path, await open(path, "w"));
  }

  add(rejected: RejectedLine): Promise<void> {
    this.count++;
    const record = `${JSON.stringify({ line: rejected.line, text: rejected.text, error: rejected.error })}\n`;
    this.writes = this.writes.then(async () => {
      await this.handle.write(record);
    });
    return this.writes;
  }

  async close(): Promise<void> {
    await this.writes;
    await this.handle.close();
  }
}
