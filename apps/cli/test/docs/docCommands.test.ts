import { describe, expect, it } from "vitest";
import { blockCommands, commandTableCommands } from "./docCommands.js";

const PAGE = [
  "```sh",
  "pnpm install",
  "pnpm dev            # then http://localhost:3000",
  "# a comment line",
  "curl -s -X POST http://localhost:3000/tasks -H 'content-type: application/json' \\",
  '  -d \'{"text":"a # not a comment"}\'',
  "```",
  "```console",
  "$ pnpm tasklane dlq list",
  "ID   TYPE",
  "$ head -1 tasks.rejects.jsonl",
  "```",
  "```",
  "pnpm build",
  "```",
  "```text",
  "API  http://localhost:3000",
  "```",
  "```ts",
  "await api.submitTask({});",
  "```",
  "  ```bash",
  "  pulumi stack init dev",
  "  ```",
].join("\n");

const TABLE = [
  "| You can | With |",
  "| --- | --- |",
  "| Install | `pnpm install` |",
  "| Deploy | `pnpm build`, then `pulumi up -s dev` ([docs](docs/deploying.md)) |",
  "",
  "| Page | What it covers |",
  "| --- | --- |",
  "| [docs/cli.md](docs/cli.md) | `pnpm tasklane` |",
].join("\n");

describe("the commands of a documentation page", () => {
  it("are the lines of shell and unlabelled blocks, the `$ ` lines of console blocks, continued lines joined", () => {
    expect(blockCommands(PAGE, "page.md")).toEqual([
      { text: "pnpm install", file: "page.md", line: 2 },
      { text: "pnpm dev", file: "page.md", line: 3 },
      {
        text: `curl -s -X POST http://localhost:3000/tasks -H 'content-type: application/json' -d '{"text":"a # not a comment"}'`,
        file: "page.md",
        line: 5,
      },
      { text: "pnpm tasklane dlq list", file: "page.md", line: 9 },
      { text: "head -1 tasks.rejects.jsonl", file: "page.md", line: 11 },
      { text: "pnpm build", file: "page.md", line: 14 },
      { text: "pulumi stack init dev", file: "page.md", line: 23 },
    ]);
  });

  it("include the inline code of a table's `With` column, and no other table's", () => {
    expect(commandTableCommands(TABLE, "README.md")).toEqual([
      { text: "pnpm install", file: "README.md", line: 3 },
      { text: "pnpm build", file: "README.md", line: 4 },
      { text: "pulumi up -s dev", file: "README.md", line: 4 },
    ]);
  });
});
