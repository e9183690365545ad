import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AcceptedTask, TaskResource, TaskTypeDescription } from "@tasklane/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalTarget, startLocalTarget } from "./helpers/localTarget.js";

// Short retry and Wait pauses, so retries and polls take milliseconds; the rest is the dev stack.
let target: LocalTarget;

beforeAll(async () => {
  target = await startLocalTarget({ testOverrides: { retryIntervalMs: 10, waitMs: 50 } });
});
afterAll(async () => {
  await target?.stop();
});

/** `tasklane submit <type> --input <input, as JSON> <flags...>`. */
function submit(type: string, input: unknown, ...flags: string[]) {
  return target.run(["submit", type, "--input", JSON.stringify(input), ...flags]);
}

describe("tasklane submit", () => {
  it("with --wait prints the output and exits 0 when the task succeeds", async () => {
    const run = await submit("word-count", { text: "one two three" }, "--wait");

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Accepted task [0-9a-f-]{36} \(word-count\), queued\.$/m);
    expect(run.stdout).toMatch(/^Status {4}succeeded$/m);
    expect(run.stdout).toMatch(/^Output {4}\{"words":3,/m);
  });

  it("with --wait --json prints the finished task, and exits 1 when it fails", async () => {
    const input = join(target.repoRoot, "reason.json");
    await writeFile(input, '{"reason": "on purpose"}');

    const run = await target.run(["submit", "fail", "--input-file", input, "--wait", "--json"]);

    expect(run.code).toBe(1);
    expect(run.json<TaskResource>()).toMatchObject({
      type: "fail",
      status: "failed",
      error: { name: "TaskPermanentError" },
    });
  });

  it("with the same --idempotency-key maps to the same task, and says so", async () => {
    const argv = ["submit", "echo", "--input", '{"k": 1}', "--idempotency-key", "cli-test-key-1"];

    const first = await target.run([...argv, "--json"]);
    const second = await target.run(argv);

    const { id } = first.json<AcceptedTask>();
    expect(first.json()).toMatchObject({ status: "queued", replayed: false });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `Task ${id} (echo) was already submitted with this idempotency key`,
    );
  });

  it("refused by the API (unknown type) exits 4, naming the field and the fix", async () => {
    const run = await submit("no-such-type", {});

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('`type`: unknown task type "no-such-type"; known types: echo');
    expect(run.stderr).toContain("fix: `tasklane types` shows each task type's input schema");
  });

  it("with --wait --timeout exits 5 when the task is still running, naming it in the JSON error", async () => {
    const run = await submit("sleep", { seconds: 60 }, "--wait", "--timeout", "1s", "--json");

    expect(run.code).toBe(5);
    expect(run.json()).toEqual({
      error: expect.objectContaining({
        exitCode: 5,
        taskId: expect.any(String),
        fix: expect.any(String),
      }),
    });
    expect(run.stderr).toMatch(/tasklane: task [0-9a-f-]{36} is still (queued|running) after 1 s/);
    expect(run.stderr).toContain("fix: it keeps running: follow it with `tasklane watch ");
  });
});

describe("tasklane retry", () => {
  it("runs a failed task again as a new generation; --wait follows it to succeeded", async () => {
    // flaky fails its first 5 attempts: generation 1 (4 attempts) fails, generation 2 succeeds.
    const submitted = await submit("flaky", { failures: 5 }, "--wait", "--json");
    const { id } = submitted.json<TaskResource>();

    const retried = await target.run(["retry", id, "--wait"]);
    const again = await target.run(["retry", id, "--json"]);

    expect(submitted.code).toBe(1);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Task ${id} (flaky) is queued again as generation 2.`);
    expect(retried.stdout).toMatch(/^Attempts {2}6 \(generation 2\)$/m);
    expect(again.code).toBe(4);
    expect(again.json()).toMatchObject({ error: { exitCode: 4, problem: { status: 409 } } });
  });
});

describe("tasklane watch, status and cancel", () => {
  it("watch --json prints a JSON line per change, the last one finished", async () => {
    const { id } = (await submit("sleep", { seconds: 1 }, "--json")).json<AcceptedTask>();

    const run = await target.run(["watch", id, "--json"]);

    expect(run.code).toBe(0);
    const states = run.jsonLines<TaskResource>();
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(states.every((s) => s.id === id)).toBe(true);
    expect(states.at(-1)?.status).toBe("succeeded");
  });

  it("cancel stops a running task, and is refused (exit 4) for one that finished", async () => {
    const { id } = (await submit("sleep", { seconds: 60 }, "--json")).json<AcceptedTask>();
    const done = (await submit("echo", {}, "--wait", "--json")).json<TaskResource>();

    const cancelled = await target.run(["cancel", id]);
    const status = await target.run(["status", id, "--json"]);
    const refused = await target.run(["cancel", done.id]);

    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Task ${id} is cancelled.`);
    expect(status.json<TaskResource>().status).toBe("cancelled");
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(
      `task ${done.id} already finished (succeeded); there is nothing to cancel`,
    );
  });

  it("status of an unknown task exits 4 and says how to find one", async () => {
    const run = await target.run(["status", "01a21155-755f-735f-90b5-bef6ec710569"]);

    expect(run.code).toBe(4);
    expect(run.stderr).toContain("tasklane: there is no task 01a21155-755f-735f-90b5-bef6ec710569");
    expect(run.stderr).toContain(
      "fix: check the id: `tasklane list --since 7d` lists recent tasks",
    );
  });
});

describe("tasklane list and types", () => {
  it("list --status failed shows only failed tasks, as a table or as JSON", async () => {
    const { id } = (await submit("fail", {}, "--wait", "--json")).json<TaskResource>();

    const json = await target.run(["list", "--status", "failed", "--since", "1h", "--json"]);
    const table = await target.run(["list", "--status", "failed"]);

    expect(json.code).toBe(0);
    const { tasks } = json.json<{ tasks: TaskResource[] }>();
    expect(tasks.map((t) => t.id)).toContain(id);
    expect(tasks.every((t) => t.status === "failed")).toBe(true);
    expect(table.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+ATTEMPTS\s+CREATED\s+FINISHED$/m);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+fail\\s+failed\\s+1\\s`, "m"));
  });

  it("list --limit pages through the API and says how to continue", async () => {
    const run = await target.run(["list", "--limit", "2"]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n").slice(1, 3)).toHaveLength(2);
    expect(run.stdout).toMatch(/More tasks match: continue with --cursor \S+/);
  });

  it("types lists the catalog with each input schema", async () => {
    const json = await target.run(["types", "--json"]);
    const text = await target.run(["types"]);

    const types = json.json<TaskTypeDescription[]>();
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining(["echo", "sleep", "word-count", "flaky", "fail"]),
    );
    expect(types.find((t) => t.type === "sleep")?.inputSchema).toMatchObject({ type: "object" });
    expect(text.stdout).toMatch(/^sleep/m);
    expect(text.stdout).toMatch(/^ {2}input: {2}\{/m);
  });
});
