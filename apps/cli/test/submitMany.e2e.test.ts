import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TaskResource } from "@tasklane/api-client";
import { queueName } from "@tasklane/dead-letters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalTarget, startLocalTarget } from "./helpers/localTarget.js";

let target: LocalTarget;

// What is under test is what the CLI and the API accept: the queue is not consumed, so the 990
// tasks stay queued instead of running beside the submission (about 12 CPU-s on 2 cores).
beforeAll(async () => {
  target = await startLocalTarget({ testOverrides: { eventSourceMappingsEnabled: false } });
});
afterAll(async () => {
  await target?.stop();
});

/** Ten bad lines, by line number: what the CLI catches itself, then what the API refuses. */
const BAD_LINES = new Map<number, { text: string; title: RegExp; status?: number }>([
  [7, { text: "not json at all", title: /Not JSON/ }],
  [95, { text: '{"type": "echo", "input": ', title: /Not JSON/ }],
  [150, { text: "[1, 2, 3]", title: /Not a task/ }],
  [222, { text: "42", title: /Not a task/ }],
  [301, { text: '{"input": {"n": 1}}', title: /Not a task/ }],
  [444, { text: '{"type": "no-such-type", "input": {}}', title: /does not match/, status: 422 }],
  [555, { text: '{"type": "", "input": {}}', title: /Not a task/ }],
  [
    666,
    {
      text: '{"type": "sleep", "input": {"seconds": "soon"}}',
      title: /does not match/,
      status: 422,
    },
  ],
  [777, { text: '{"type": "word-count", "input": {}}', title: /does not match/, status: 422 }],
  [
    999,
    {
      text: '{"type": "echo", "input": {}, "priority": "high"}',
      title: /does not match/,
      status: 422,
    },
  ],
]);

describe("tasklane submit-many", () => {
  it("accepts 990 of 1,000 lines and puts the 10 bad ones, with their errors, in the rejects file", async () => {
    // Prepare
    const lines = Array.from(
      { length: 1_000 },
      (_, i) => BAD_LINES.get(i + 1)?.text ?? JSON.stringify({ type: "echo", input: { n: i + 1 } }),
    );
    const file = join(target.repoRoot, "tasks.jsonl");
    await writeFile(file, `${lines.join("\n")}\n`);

    // Act
    const run = await target.run(["submit-many", "--file", "tasks.jsonl", "--json"]);

    // Assess
    expect(run.code).toBe(1);
    const summary = run.json<Record<string, unknown>>();
    expect(summary).toMatchObject({
      file: "tasks.jsonl",
      lines: 1_000,
      accepted: 990,
      rejected: 10,
      blank: 0,
      rejectsFile: "tasks.rejects.jsonl",
      interrupted: false,
    });
    const rejects = (await readFile(join(target.repoRoot, "tasks.rejects.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { line: number; text: string; error: Record<string, unknown> },
      );
    expect(rejects.map((r) => r.line).sort((a, b) => a - b)).toEqual([...BAD_LINES.keys()]);
    for (const reject of rejects) {
      const bad = BAD_LINES.get(reject.line);
      expect(reject.text).toBe(bad?.text);
      expect(reject.error.title).toMatch(bad?.title ?? /never/);
      expect(reject.error.detail).toEqual(expect.any(String));
      expect(reject.error.status).toBe(bad?.status);
    }
    // The API names the field it refused.
    expect(rejects.find((r) => r.line === 666)?.error.errors).toEqual([
      expect.objectContaining({ path: "input.seconds" }),
    ]);
    // Without a terminal, progress is plain lines on stderr, and stdout stays JSON.
    expect(run.stderr).toMatch(
      /^submit-many: \d+\/1000 lines \(\d+%\), \d+ accepted, \d+ rejected, \d+ lines\/s, ETA/m,
    );

    // The 990 are real tasks, each with its message on the queue.
    const listed = await target.run(["list", "--since", "1h", "--limit", "1000", "--json"]);
    const { tasks } = listed.json<{ tasks: TaskResource[] }>();
    expect(tasks.filter((t) => t.type === "echo" && t.status === "queued")).toHaveLength(990);
    const queue = target.runtime.fauxqs.inspectQueue(queueName(target.runtime.queueUrl));
    expect(queue?.messages.ready).toHaveLength(990);
  }, 120_000);

  it("prints a summary for people, and exits 0 when no line is rejected", async () => {
    await writeFile(
      join(target.repoRoot, "good.jsonl"),
      '{"type": "echo", "input": {"a": 1}}\r\n\r\n{"type": "word-count", "input": {"text": "two words"}}',
    );

    const run = await target.run(["submit-many", "--file", "good.jsonl"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^good\.jsonl: 3 lines: 2 accepted, 0 rejected, 1 blank, in [\d.]+ s/,
    );
    expect(run.stdout).toContain("No line was rejected (good.rejects.jsonl is empty).");
    expect(await readFile(join(target.repoRoot, "good.rejects.jsonl"), "utf8")).toBe("");
  });

  it("refuses a file it cannot read, with exit code 2", async () => {
    const run = await target.run(["submit-many", "--file", "missing.jsonl"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("tasklane: cannot read --file missing.jsonl: ENOENT");
    expect(run.stderr).toContain("fix: ");
  });
});
