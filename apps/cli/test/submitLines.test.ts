import { type BatchResult, TasklaneApiError } from "@tasklane/api-client";
import { describe, expect, it } from "vitest";
import { type RejectedLine, submitLines } from "../src/submissions/submitLines.js";
import type { TaskLine } from "../src/submissions/taskLines.js";

type Task = { type: string; input?: unknown };

/** `n` good lines, numbered from 1. */
async function* taskLines(
  n: number,
  text = (i: number) => JSON.stringify({ type: "echo", input: { i } }),
) {
  for (let line = 1; line <= n; line++) yield { line, text: text(line) } satisfies TaskLine;
}

/** An API that answers each batch with `answer`, recording the batches it was sent. */
function fakeApi(
  answer: (tasks: readonly Task[], call: number) => BatchResult | Promise<BatchResult>,
) {
  const batches: Task[][] = [];
  return {
    batches,
    api: {
      submitBatch: async (tasks: readonly Task[]) => {
        batches.push([...tasks]);
        return answer(tasks, batches.length);
      },
    },
  };
}

const acceptAll = (tasks: readonly Task[]): BatchResult => ({
  accepted: tasks.length,
  rejected: 0,
  results: tasks.map((_, index) => ({
    index,
    id: `id-${index}`,
    type: "echo",
    status: "queued" as const,
  })),
});

const problem = (status: number, detail: string) => ({
  type: "tag:test",
  title: status === 503 ? "Service unavailable" : "Payload too large",
  status,
  detail,
});

async function run(
  options: Partial<Parameters<typeof submitLines>[0]> &
    Pick<Parameters<typeof submitLines>[0], "api" | "lines">,
) {
  const rejected: RejectedLine[] = [];
  const result = await submitLines({
    concurrency: 2,
    retryDelaysMs: [1, 1, 1],
    onRejected: (r) => {
      rejected.push(r);
    },
    ...options,
  });
  return { result, rejected };
}

describe("submitLines", () => {
  it("sends batches of at most 100 lines and counts every line once", async () => {
    const { api, batches } = fakeApi(acceptAll);

    const { result } = await run({ api, lines: taskLines(250) });

    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(result).toMatchObject({ processed: 250, accepted: 250, rejected: 0, blank: 0 });
  });

  it("cuts a batch before its lines pass maxBytes", async () => {
    const { api, batches } = fakeApi(acceptAll);

    // Lines 1-9 are 31 bytes, line 10 is 32: three fit in 100 bytes.
    const { result } = await run({ api, lines: taskLines(10), maxBytes: 100 });

    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(result).toMatchObject({ accepted: 10, rejected: 0 });
  });

  it("halves a batch the API finds too large (413) until it fits", async () => {
    const { api, batches } = fakeApi((tasks) => {
      if (tasks.length > 3) throw new TasklaneApiError(413, problem(413, "too large"), "too large");
      return acceptAll(tasks);
    });

    const { result } = await run({ api, lines: taskLines(10), concurrency: 1 });

    expect(batches.map((b) => b.length)).toEqual([10, 5, 3, 2, 5, 3, 2]);
    expect(result).toMatchObject({ accepted: 10, rejected: 0 });
  });

  it("sends again the items the API rolled back (503), and rejects them when it keeps refusing", async () => {
    const { api, batches } = fakeApi((tasks, call) => ({
      accepted: 0,
      rejected: 0,
      results: tasks.map((_, index) =>
        call < 3 || index === 0
          ? { index, error: problem(503, "SQS is unavailable") }
          : { index, id: `id-${index}`, type: "echo", status: "queued" as const },
      ),
    }));

    const { result, rejected } = await run({ api, lines: taskLines(3) });

    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(result).toMatchObject({ accepted: 2, rejected: 1 });
    expect(rejected).toEqual([
      { line: 1, text: expect.any(String), error: expect.objectContaining({ status: 503 }) },
    ]);
  });

  it("does not send again a batch whose fate is unknown (500), and says so in each reject", async () => {
    const { api, batches } = fakeApi(() => {
      throw new TasklaneApiError(500, problem(500, "internal error"), "internal error");
    });

    const { result, rejected } = await run({ api, lines: taskLines(2) });

    expect(batches).toHaveLength(1);
    expect(result).toMatchObject({ rejected: 2, accepted: 0 });
    expect(rejected[0]?.error.detail).toContain("may or may not have been accepted");
    expect(result.fatal).toBeUndefined();
  });

  it("stops at an error every batch would meet (403), rejecting the lines not sent as such", async () => {
    const { api, batches } = fakeApi(() => {
      throw new TasklaneApiError(403, undefined, "Forbidden");
    });

    const { result, rejected } = await run({ api, lines: taskLines(350), concurrency: 1 });

    expect(batches).toHaveLength(1);
    expect(result.fatal).toBeInstanceOf(TasklaneApiError);
    expect(result).toMatchObject({ processed: 350, rejected: 350, notSubmitted: 250 });
    expect(rejected.filter((r) => r.error.title === "Not submitted")).toHaveLength(250);
  });

  it("rejects lines that are not tasks itself, and counts blank lines without sending them", async () => {
    const { api, batches } = fakeApi(acceptAll);
    const texts = ['{"type":"echo"}', "", "  ", "nope", '{"input":{}}', '"echo"'];

    const { result, rejected } = await run({
      api,
      lines: taskLines(texts.length, (i) => texts[i - 1] ?? ""),
    });

    expect(batches).toEqual([[{ type: "echo" }]]);
    expect(result).toMatchObject({ processed: 6, accepted: 1, blank: 2, rejected: 3 });
    expect(rejected.map((r) => [r.line, r.error.title])).toEqual([
      [4, "Not JSON"],
      [5, "Not a task"],
      [6, "Not a task"],
    ]);
  });

  it("on abort finishes the batches in flight and rejects every line not sent as not submitted", async () => {
    const abort = new AbortController();
    const { api } = fakeApi((tasks, call) => {
      if (call === 1) abort.abort();
      return acceptAll(tasks);
    });

    const { result, rejected } = await run({
      api,
      lines: taskLines(1_000),
      concurrency: 1,
      signal: abort.signal,
    });

    expect(result).toMatchObject({ interrupted: true, notSubmitted: 900 });
    expect(result.accepted).toBe(100);
    expect(result.processed).toBe(1_000);
    expect(rejected.map((r) => r.line).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 900 }, (_, i) => 101 + i),
    );
    expect(rejected.every((r) => r.error.title === "Not submitted")).toBe(true);
  });
});
