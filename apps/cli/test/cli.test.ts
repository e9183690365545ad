import { describe, expect, it } from "vitest";
import { tasklane } from "./helpers/runTasklane.js";

describe("tasklane --help", () => {
  it("lists every command, the targets and the exit codes", async () => {
    const run = await tasklane(["--help"]);

    expect(run.code).toBe(0);
    for (const command of [
      "submit [options] <type>",
      "submit-many [options]",
      "status <id>",
      "watch [options] <id>",
      "list [options]",
      "retry [options] <id>",
      "cancel <id>",
      "types",
      "dlq",
    ]) {
      expect(run.stdout).toContain(command);
    }
    expect(run.stdout).toContain("--stack-outputs <file>");
    expect(run.stdout).toMatch(/^ {2}3 {3}no target/m);
    expect(run.stdout).toMatch(/^ {2}130 interrupted/m);
  });

  it("describes the dlq commands, with the global options", async () => {
    const run = await tasklane(["dlq", "redrive", "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tasklane dlq redrive \[options\]/);
    for (const flag of [
      "--id <ids...>",
      "--all",
      "--dry-run",
      "--rate <n/s>",
      "--dlq-url <url>",
      "--json",
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it("shows the usage and exits 2 without a command", async () => {
    const run = await tasklane([]);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Usage: tasklane [options] [command]");
  });
});

describe("mistakes on the command line exit 2, name the problem, and never reach a target", () => {
  it.each([
    { argv: ["frobnicate"], says: "unknown command 'frobnicate'" },
    { argv: ["submit"], says: "missing required argument 'type'" },
    { argv: ["submit", "echo", "--input", "{bad"], says: "--input is not valid JSON" },
    {
      argv: ["submit", "echo", "--input", "{}", "--input-file", "x.json"],
      says: "option '--input <json>' cannot be used with option '--input-file <path>'",
    },
    {
      argv: ["submit", "echo", "--input-file", "nope.json"],
      says: "cannot read --input-file nope.json: ENOENT",
    },
    { argv: ["list", "--since", "yesterday"], says: "expected an age like 15m, 1h or 7d" },
    {
      argv: ["list", "--status", "done"],
      says: "expected one or more of queued, running, succeeded",
    },
    { argv: ["list", "--limit", "0"], says: "expected a whole number from 1 to 1000" },
    { argv: ["watch", "x", "--timeout", "soon"], says: "expected a duration like 30s" },
    {
      argv: ["dlq", "redrive"],
      says: "dlq redrive needs the messages to act on: --id <id...> or --all",
    },
    { argv: ["dlq", "redrive", "--all", "--id", "a"], says: "give either --id or --all, not both" },
    { argv: ["dlq", "redrive", "--all", "--rate", "fast"], says: "expected messages per second" },
    { argv: ["dlq", "purge", "--all"], says: "dlq purge deletes messages for good" },
    { argv: ["submit-many"], says: "required option '--file <path>' not specified" },
    { argv: ["types", "--api-url", "not a url"], says: "--api-url is not a URL" },
  ])("tasklane $argv: $says", async ({ argv, says }) => {
    const run = await tasklane(argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("with --json, also prints the error as JSON on stdout", async () => {
    const run = await tasklane(["list", "--json", "--since", "yesterday"]);

    expect(run.code).toBe(2);
    expect(run.json()).toEqual({
      error: { message: expect.stringContaining("--since"), exitCode: 2 },
    });
  });

  it("purge explains that --yes is needed and what to look at first", async () => {
    const run = await tasklane(["dlq", "purge", "--id", "abc", "--json"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("fix: look at them first with `tasklane dlq list`");
    expect(run.json()).toMatchObject({ error: { exitCode: 2, fix: expect.any(String) } });
  });
});
