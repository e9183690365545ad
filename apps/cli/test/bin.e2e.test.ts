import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TaskResource } from "@tasklane/api-client";
import { transpilePackage } from "@tasklane/transpile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalTarget, startLocalTarget } from "./helpers/localTarget.js";

// The real bin, as `pnpm tasklane` runs it: a Node process on the compiled CLI (dist/), finding
// the local runtime through the discovery file in the workspace around its working folder.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const bin = fileURLToPath(new URL("../bin/tasklane.js", import.meta.url));
let target: LocalTarget;

beforeAll(async () => {
  // The package's own build, as `pnpm build` makes it, so the bin runs today's sources.
  transpilePackage(packageDir);
  target = await startLocalTarget();
}, 60_000);
afterAll(async () => {
  await target?.stop();
});

async function spawnTasklane(argv: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...argv], {
      cwd: target.repoRoot,
      env: { PATH: process.env.PATH ?? "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the tasklane bin", () => {
  it("submits and waits, printing JSON only on stdout, and exits 0 for a success", async () => {
    const run = await spawnTasklane([
      "submit",
      "echo",
      "--input",
      '{"from": "bin"}',
      "--wait",
      "--json",
    ]);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout) as TaskResource).toMatchObject({
      type: "echo",
      status: "succeeded",
      output: { from: "bin" },
    });
  });

  it("exits 1 for a task that fails, and 2 for a usage mistake, without a stack trace", async () => {
    const failed = await spawnTasklane(["submit", "fail", "--input", "{}", "--wait"]);
    const usage = await spawnTasklane(["submit", "echo", "--input", "{oops"]);

    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^Status {4}failed$/m);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^tasklane: --input is not valid JSON/);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads the DLQ through the emulator's endpoint", async () => {
    const run = await spawnTasklane(["dlq", "list", "--json"]);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dlq: target.runtime.dlqUrl, messages: [] });
  });
});
