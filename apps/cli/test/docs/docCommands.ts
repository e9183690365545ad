import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A shell command written in the documentation, continuation lines joined, comments dropped. */
export interface DocCommand {
  text: string;
  file: string;
  /** The line it starts on, from 1. */
  line: number;
}

/** Fenced blocks whose lines are shell commands; `console` blocks mark them with `$ `. */
const SHELL_BLOCKS = new Set(["", "sh", "bash", "shell", "console"]);

/** The README and every page under docs/, in that order. */
export function documentationFiles(repoRoot: string): string[] {
  const pages = readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...pages];
}

/** Every command of the documentation, in the order it is written, each time it is written. */
export function readDocCommands(repoRoot: string): DocCommand[] {
  return documentationFiles(repoRoot).flatMap((file) => {
    const markdown = readFileSync(join(repoRoot, file), "utf8");
    return [
      ...blockCommands(markdown, file),
      ...commandTableCommands(markdown, file),
      ...inlinePnpmCommands(markdown, file),
    ].sort((a, b) => a.line - b.line);
  });
}

/** How a fenced block's lines are read: each a command, only its `$ ` lines, or none. */
function blockKind(language: string): "shell" | "console" | "other" {
  if (!SHELL_BLOCKS.has(language)) return "other";
  return language === "console" ? "console" : "shell";
}

/** The commands of the shell, console and unlabelled fenced blocks. */
export function blockCommands(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fence: { marker: string; kind: ReturnType<typeof blockKind> } | undefined;
  let pending: { text: string; line: number } | undefined;
  for (const [index, line] of markdown.split("\n").entries()) {
    if (fence === undefined) {
      const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (open) {
        const [, marker = "", language = ""] = open;
        fence = { marker, kind: blockKind(language) };
      }
      continue;
    }
    if (line.trim().startsWith(fence.marker) && /^[`~]+$/.test(line.trim())) {
      fence = undefined;
      continue;
    }
    if (fence.kind === "other") continue;
    if (pending === undefined) {
      const start = fence.kind === "console" ? /^\$ (.*)$/.exec(line)?.[1] : line;
      if (start === undefined || start.trim().startsWith("#")) continue;
      pending = { text: start, line: index + 1 };
    } else {
      pending.text += ` ${line.trim()}`;
    }
    if (pending.text.endsWith("\\")) {
      pending.text = pending.text.slice(0, -1).trimEnd();
    } else {
      const text = stripComment(pending.text).trim();
      if (text !== "") commands.push({ text, file, line: pending.line });
      pending = undefined;
    }
  }
  return commands;
}

/**
 * The inline code of a table's `With` column, where the README lists what you can run. A row may
 * name several (`pnpm build`, then `pulumi up -s dev`).
 */
export function commandTableCommands(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let column: number | undefined;
  for (const [index, line] of markdown.split("\n").entries()) {
    if (!line.startsWith("|")) {
      column = undefined;
      continue;
    }
    const cells = tableCells(line);
    if (column === undefined) {
      const header = cells.indexOf("With");
      column = header === -1 ? -1 : header;
      continue;
    }
    const cell = cells[column];
    if (cell === undefined || /^-+$/.test(cell)) continue;
    for (const [, code = ""] of cell.matchAll(/`([^`]+)`/g)) {
      commands.push({ text: code.replaceAll("\\|", "|"), file, line: index + 1 });
    }
  }
  return commands;
}

/**
 * The `pnpm ...` commands written as inline code in prose and in tables other than the README's
 * `With` column (which `commandTableCommands` reads), outside fenced blocks: "`pnpm bench:console`
 * measures...". Inline `tasklane ...` and curl fragments are not read: they are parts of commands
 * (an option, a placeholder URL), not ones to run as written.
 */
export function inlinePnpmCommands(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fenced = false;
  let withColumn: number | undefined;
  for (const [index, line] of markdown.split("\n").entries()) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    let prose = line;
    if (line.startsWith("|")) {
      const cells = tableCells(line);
      if (withColumn === undefined) withColumn = cells.indexOf("With");
      if (withColumn >= 0) prose = cells.filter((_, i) => i !== withColumn).join(" | ");
    } else {
      withColumn = undefined;
    }
    for (const [, code = ""] of prose.matchAll(/`(pnpm [^`]+)`/g)) {
      commands.push({ text: code.replaceAll("\\|", "|"), file, line: index + 1 });
    }
  }
  return commands;
}

/** A table row's cells, trimmed; `\|` does not split. */
function tableCells(row: string): string[] {
  return row
    .replace(/^\|/, "")
    .replace(/\|\s*$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** Drops a `# comment` that starts outside quotes after a blank, as the shell would. */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      return text.slice(0, i);
    }
  }
  return text;
}
