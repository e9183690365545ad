import { findRepoRoot } from "@tasklane/lambda-bundler";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import type { CliEnvironment, DependencySettings } from "../src/cliEnvironment.js";
import { EXIT_CODES } from "../src/constants.js";
import { world } from "./helpers/fakes.js";

function environment(w = world()) {
  let stdout = "";
  let stderr = "";
  const settings: DependencySettings[] = [];
  const env: CliEnvironment = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: process.cwd(),
    stdoutIsTTY: false,
    dependencies: (s) => {
      settings.push(s);
      return { ...w.deps, output: s.output };
    },
  };
  return { env, w, settings, out: () => stdout, err: () => stderr };
}

describe("tasklane-release promote (pnpm promote)", () => {
  it("prints its usage, the gates and the exit codes with --help", async () => {
    const io = environment();

    const code = await runCli(["promote", "--help"], io.env);

    expect(code).toBe(EXIT_CODES.ok);
    expect(io.out()).toMatch(/^Usage: pnpm promote --from <stack> --to <stack> \[options\]/);
    for (const flag of [
      "--release <sha>",
      "-y, --yes",
      "--dry-run",
      "--skip-smoke-test",
      "--no-refresh",
    ]) {
      expect(io.out()).toContain(flag);
    }
    expect(io.out()).toContain(
      "9  the target was updated, but its `release` output is not the promoted release",
    );
  });

  it("runs a promotion with the flags it was given, in the repository around --cwd", async () => {
    const io = environment();

    const code = await runCli(
      [
        "promote",
        "--from",
        "dev",
        "--to",
        "prod",
        "--dry-run",
        "--skip-smoke-test",
        "--no-refresh",
      ],
      io.env,
    );

    expect(code).toBe(EXIT_CODES.ok);
    expect(io.settings[0]).toMatchObject({ repoRoot: findRepoRoot(process.cwd()), color: "never" });
    expect(io.out()).toContain(
      "[4/4] SKIP  Smoke test against the source stack: skipped (--skip-smoke-test)",
    );
    expect(io.w.stacks.calls.find((c) => c.op === "preview")).toMatchObject({
      options: { refresh: false },
    });
    expect(io.out()).toContain("Dry run: stopped before deploying.");
  });

  it("exits with the failing gate's code, the failure on stderr", async () => {
    const io = environment(world({ git: { uncommitted: ["infra/index.ts"] } }));

    const code = await runCli(["promote", "--from", "dev", "--to", "prod", "--yes"], io.env);

    expect(code).toBe(EXIT_CODES.releaseGate);
    expect(io.err()).toContain("[1/4] FAIL  Release and working tree");
    expect(io.err()).toContain("git stash push --include-untracked");
  });

  it.each([
    [["promote", "--to", "prod"], "required option '--from <stack>' not specified"],
    [["promote", "--from", "prod", "--to", "prod"], "--from and --to are both `prod`"],
    [
      ["promote", "--from", "dev", "--to", "prod", "--release", "v1.2"],
      "--release takes a commit sha",
    ],
    [
      ["promote", "--from", "dev", "--to", "prod", "--smoke-timeout", "soon"],
      "expected a whole, positive number of seconds",
    ],
    [["promote", "--from", "dev", "--to", "prod", "--force"], "unknown option '--force'"],
    [
      ["promote", "--from", "dev", "--to", "prod", "--cwd", "/"],
      "is not inside the Tasklane repository",
    ],
    [["deploy"], "unknown command `deploy`"],
  ])("rejects %j as a usage error (exit 2)", async (argv, message) => {
    const io = environment();

    const code = await runCli(argv, io.env);

    expect(code).toBe(EXIT_CODES.usage);
    expect(io.err()).toContain(message);
    expect(io.w.stacks.calls).toEqual([]);
  });

  it("reports an unexpected error with exit 1", async () => {
    const io = environment();
    io.w.deps.stacks.outputs = async () => {
      throw new Error(
        "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
      );
    };

    const code = await runCli(["promote", "--from", "dev", "--to", "prod"], io.env);

    expect(code).toBe(EXIT_CODES.unexpected);
    expect(io.err()).toContain("PULUMI_ACCESS_TOKEN must be set");
  });
});

describe("tasklane-release smoke-test", () => {
  it("tests the stack's apiUrl output and exits 0 when the echo task succeeds", async () => {
    const io = environment();

    const code = await runCli(["smoke-test", "--stack", "dev", "--tag", "deploy run 42"], io.env);

    expect(code).toBe(EXIT_CODES.ok);
    expect(io.w.smoke.urls).toEqual(["https://abc123.execute-api.us-east-1.amazonaws.com"]);
    expect(io.w.smoke.submitted[0]?.input).toMatchObject({ smokeTest: "deploy run 42" });
    expect(io.out()).toContain("[smoke] PASS  echo task: echo task");
  });

  it("exits 6 when the task fails", async () => {
    const io = environment(world({ api: { status: "failed" } }));

    const code = await runCli(["smoke-test", "--stack", "dev"], io.env);

    expect(code).toBe(EXIT_CODES.smokeTestGate);
    expect(io.err()).toContain("[smoke] FAIL");
  });

  it("exits 6 when the stack has no apiUrl", async () => {
    const io = environment(world({ dev: { outputs: {} } }));

    expect(await runCli(["smoke-test", "--stack", "dev"], io.env)).toBe(EXIT_CODES.smokeTestGate);
  });
});
