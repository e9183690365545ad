import { createServer } from "node:net";
import { waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../src/index.js";
import { type LocalTarget, startLocalTarget } from "./helpers/localTarget.js";

let target: LocalTarget;
beforeAll(async () => {
  target = await startLocalTarget();
});
afterAll(async () => {
  await target?.stop();
});

/** `tasklane <argv>` in this process against the local target, its output readable as it runs. */
function startCli(argv: string[]) {
  const interrupt = new AbortController();
  const output = { stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    env: {},
    cwd: target.repoRoot,
    repoRoot: target.repoRoot,
    signal: interrupt.signal,
  };
  return { exit: runCli(argv, io), output, interrupt: () => interrupt.abort() };
}

const fromPage = { headers: { "x-tasklane-console": "1" } };

describe("tasklane console", () => {
  it("serves the console against the local runtime it finds, until Ctrl-C (exit 0)", async () => {
    // Prepare
    const submitted = await fetch(`${target.runtime.apiUrl}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "echo", input: { from: "cli" } }),
    });
    const { id } = (await submitted.json()) as { id: string };

    // Act
    const cli = startCli(["console", "--port", "0", "--json"]);
    const { url } = await waitFor(
      async () => {
        try {
          return JSON.parse(cli.output.stdout) as { url: string; target: string };
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 10_000, intervalMs: 50, what: "the console's URL" },
    );
    const task = await fetch(new URL(`/api/tasks/${id}`, url), fromPage);
    const info = await fetch(new URL("/console/target", url), fromPage);
    const dlq = await fetch(new URL("/console/dlq", url), fromPage);
    cli.interrupt();

    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(task.status).toBe(200);
    expect(await task.json()).toMatchObject({ id, type: "echo" });
    expect(await info.json()).toMatchObject({
      description: expect.stringContaining("the local runtime"),
      signed: false,
      dlq: "tasklane-dev-tasks-dlq",
    });
    expect(dlq.status).toBe(200);
    expect(await cli.exit).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it("says the port is in use, and exits 2", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const cli = startCli(["console", "--port", String(port)]);

      expect(await cli.exit).toBe(2);
      expect(cli.output.stderr).toContain(`port ${port} is in use`);
      expect(cli.output.stderr).toContain("--port");
    } finally {
      taken.close();
    }
  });
});
