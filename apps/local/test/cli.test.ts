import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { waitFor } from "@tasklane/test-support";
import { transpilePackage } from "@tasklane/transpile";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { readDiscoveryFile } from "../src/index.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

function captureIo(env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      env,
    },
  };
}

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

describe("tasklane-local, the `pnpm dev` command", () => {
  let occupied: Server | undefined;

  afterEach(() => {
    occupied?.close();
    occupied = undefined;
  });

  it("says the port is taken, and how to choose another, then exits 1", async () => {
    // Prepare
    const taken = await occupyPort();
    occupied = taken.server;
    const { io, out } = captureIo();

    // Act
    const code = await runCli(["--port", String(taken.port)], io);

    // Assess
    expect(code).toBe(1);
    expect(out.stderr).toContain(`port ${taken.port} is already in use on 127.0.0.1`);
    expect(out.stderr).toContain(`--port ${taken.port + 1}`);
    expect(out.stdout).toBe("");
  });

  it("takes the port from PORT when --port is not given", async () => {
    // Prepare
    const taken = await occupyPort();
    occupied = taken.server;
    const { io, out } = captureIo({ PORT: String(taken.port) });

    // Act
    const code = await runCli([], io);

    // Assess
    expect(code).toBe(1);
    expect(out.stderr).toContain(`port ${taken.port} is already in use`);
  });

  describe.each([
    { argv: ["--port", "http"], env: {}, message: "--port must be a whole number from 0 to 65535" },
    { argv: ["--port", "70000"], env: {}, message: "--port must be a whole number" },
    { argv: [], env: { PORT: "-1" }, message: "PORT must be a whole number" },
    { argv: ["--handler-logs", "loud"], env: {}, message: "--handler-logs must be one of" },
    { argv: ["--bogus"], env: {}, message: "Unknown option '--bogus'" },
  ])("given $argv $env", ({ argv, env, message }) => {
    it("explains the mistake with the usage and exits 2", async () => {
      // Prepare
      const { io, out } = captureIo(env);

      // Act
      const code = await runCli(argv, io);

      // Assess
      expect(code).toBe(2);
      expect(out.stderr).toContain(message);
      expect(out.stderr).toContain("Usage: pnpm dev");
    });
  });

  it("prints its usage with --help", async () => {
    // Prepare
    const { io, out } = captureIo();

    // Act
    const code = await runCli(["--help"], io);

    // Assess
    expect(code).toBe(0);
    expect(out.stdout).toContain("--from-source");
  });
});

describe("tasklane-local as a process", () => {
  let child: ChildProcess | undefined;

  beforeAll(() => {
    // The bin runs the compiled runtime, as `pnpm dev` does after `pnpm build`.
    transpilePackage(PACKAGE_DIR);
  }, 120_000);

  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("serves the API, logs a task's transitions and exits 0 on SIGTERM with nothing left running", async () => {
    // Prepare
    const free = await occupyPort();
    free.server.close();
    await once(free.server, "close");
    let stdout = "";
    child = spawn(process.execPath, ["bin/tasklane-local.js", "--handler-logs", "silent"], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, PORT: String(free.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => (stdout.includes("Ctrl-C stops.") ? true : undefined), {
      timeoutMs: 20_000,
      what: "the runtime to be ready",
    });

    // Act
    const submitted = await fetch(`http://127.0.0.1:${free.port}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "echo", input: { via: "cli" } }),
    });
    const { id } = (await submitted.json()) as { id: string };
    const discovery = await readDiscoveryFile(findRepoRoot(PACKAGE_DIR));
    await waitFor(() => (/echo {8}succeeded in \d+ ms/.test(stdout) ? true : undefined), {
      what: "the succeeded line",
    });
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error("did not exit")), 10_000)),
    ])) as [number | null];

    // Assess
    expect(code).toBe(0);
    expect(discovery).toMatchObject({
      pid: child.pid,
      apiUrl: `http://127.0.0.1:${free.port}`,
      stack: "dev",
    });
    expect(await readDiscoveryFile(findRepoRoot(PACKAGE_DIR))).toBeUndefined();
    expect(stdout).toContain(`API             http://localhost:${free.port}`);
    expect(stdout).toContain(`curl -s -X POST http://localhost:${free.port}/tasks`);
    expect(stdout).toContain(`task ${id.slice(-8)}  echo        started: ${id} generation 1`);
    expect(stdout).toContain("POST /tasks → 202");
    expect(stdout).toMatch(/stopping…\nstopped\.\n$/);
  }, 60_000);
});
