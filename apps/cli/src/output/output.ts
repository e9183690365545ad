import type { CliIo } from "./cliIo.js";

/**
 * What a command prints. By default, text for people on stdout; with `--json`, stdout carries
 * JSON only (one document, or one JSON value per line for `watch`) and the text is dropped.
 * Notes (progress, hints) always go to stderr, so they never mix with the JSON.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** A line for people, on stdout; nothing with `--json`. */
  line(text = ""): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** Lines for people, on stdout; nothing with `--json`. */
  lines(texts: readonly string[]): void {
    for (const text of texts) this.line(text);
  }

  /** A table for people: columns padded to their widest cell, the last one left as is. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    if (this.json) return;
    const widths = headers.map((header, i) =>
      Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
    );
    const render = (cells: readonly string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd();
    this.line(render(headers));
    for (const row of rows) this.line(render(row));
  }

  /** A note on stderr, shown with or without `--json`. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The one JSON document of a command; nothing without `--json`. */
  document(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One line of a JSON-lines stream (`watch --json`); nothing without `--json`. */
  jsonLine(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }
}
