import { TasklaneApiError } from "@tasklane/api-client";
import { executionName } from "@tasklane/shared-task";
import { waitFor } from "@tasklane/test-support";
import { describe, expect, it } from "vitest";
import type { LocalRuntimeEvent } from "../src/index.js";
import { useLocalRuntime } from "./helpers/pipeline.js";

// The whole pipeline through the built bundles, with Pulumi.dev.yaml's real settings (retry
// pauses, visibility timeout, concurrency): API -> producer -> SQS -> consumer -> Step Functions
// -> step functions -> S3, over the AWS wire protocol.
const events: LocalRuntimeEvent[] = [];
const local = useLocalRuntime({ onEvent: (e) => events.push(e) });

/** The states a task's executions entered, in order. */
function statesOf(taskId: string): string[] {
  return events.flatMap((e) =>
    e.kind === "transition" &&
    e.transition.type === "StateEntered" &&
    e.transition.executionName.startsWith(taskId) &&
    e.transition.state
      ? [e.transition.state.name]
      : [],
  );
}

describe("tasks run end to end", () => {
  it("echo and word-count succeed with the right output", async () => {
    const [echo, words] = await Promise.all([
      local.probe.run("echo", { hello: ["world", 1] }),
      local.probe.run("word-count", { text: "the quick brown fox\njumps" }),
    ]);

    expect(echo).toMatchObject({
      status: "succeeded",
      attempts: 1,
      output: { hello: ["world", 1] },
    });
    expect(words).toMatchObject({
      status: "succeeded",
      output: { words: 5, lines: 2, characters: 25 },
    });
  });

  it("sleep polls through Wait and CheckTaskStatus, then succeeds", async () => {
    const task = await local.probe.run("sleep", { seconds: 2 });

    expect(task).toMatchObject({ status: "succeeded", attempts: 1, output: { sleptSeconds: 2 } });
    expect(statesOf(task.id)).toEqual(
      expect.arrayContaining(["WaitForTaskCompletion", "CheckTaskStatus"]),
    );
  });

  it("flaky with 3 failures succeeds on attempt 4; with 4 it fails after 4 attempts; fail fails after 1", async () => {
    const [three, four, fail] = await Promise.all([
      local.probe.run("flaky", { failures: 3 }),
      local.probe.run("flaky", { failures: 4 }),
      local.probe.run("fail", { reason: "bad data" }),
    ]);

    expect(three).toMatchObject({
      status: "succeeded",
      attempts: 4,
      output: { succeededOnAttempt: 4 },
    });
    expect(four).toMatchObject({
      status: "failed",
      attempts: 4,
      error: { name: "TaskRetryableError" },
    });
    expect(fail).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { name: "TaskPermanentError", message: "bad data" },
    });
  });
});

describe("cancel and retry", () => {
  it("cancelling a sleeping task stops its execution and makes it cancelled", async () => {
    const { id } = await local.probe.api.submitTask({ type: "sleep", input: { seconds: 600 } });
    await local.probe.waitForStatus(id, "running");

    const cancelled = await local.probe.api.cancelTask(id);

    expect(cancelled.status).toBe("cancelled");
    expect((await local.probe.executions()).get(executionName(id, 1))).toBe("ABORTED");
    expect((await local.probe.api.getTask(id)).status).toBe("cancelled");
  });

  it("cancelling a finished task is a 409", async () => {
    const done = await local.probe.run("echo", {});

    await expect(local.probe.api.cancelTask(done.id)).rejects.toMatchObject({ status: 409 });
  });

  it("retrying a failed task runs it as a new generation, which succeeds", async () => {
    const failed = await local.probe.run("flaky", { failures: 4 });
    expect(failed).toMatchObject({ status: "failed", generation: 1, attempts: 4 });

    const retried = await local.probe.api.retryTask(failed.id);
    const task = await local.probe.api.waitForTask(failed.id, {
      intervalMs: 50,
      timeoutMs: 30_000,
    });

    expect(retried).toMatchObject({ id: failed.id, generation: 2, status: "queued" });
    expect(task).toMatchObject({
      status: "succeeded",
      generation: 2,
      attempts: 5,
      output: { succeededOnAttempt: 5 },
    });
    const executions = await local.probe.executions();
    expect(executions.get(executionName(failed.id, 1))).toBe("FAILED");
    expect(executions.get(executionName(failed.id, 2))).toBe("SUCCEEDED");
  });

  it("retrying a task that has not failed is a 409", async () => {
    const done = await local.probe.run("echo", {});

    await expect(local.probe.api.retryTask(done.id)).rejects.toMatchObject({ status: 409 });
  });
});

describe("at-least-once delivery, exactly-once execution", () => {
  it("the same SQS message delivered three times starts one Standard execution", async () => {
    // sleep polls, so it runs on Standard, which refuses a second start of a name.
    const { id } = await local.probe.api.submitTask({ type: "sleep", input: { seconds: 1 } });
    await Promise.all([local.probe.redeliver(id), local.probe.redeliver(id)]);
    await local.probe.waitForStatus(id, "succeeded");
    await local.probe.redeliver(id);
    await local.probe.drained();

    const executions = local.probe.executionsOf(id);

    expect(executions.map((e) => [e.type, e.name])).toEqual([["STANDARD", executionName(id, 1)]]);
    const duplicates = events.filter((e) => e.kind === "batch" && e.batch.failed > 0);
    expect(duplicates).toEqual([]);
  });

  it("the same SQS message delivered three times runs an Express task's code once", async () => {
    // echo runs on Express, which dedupes no name: a delivery that reads the record before the
    // first execution claims it starts another execution, whose CreateTask finds the claim taken.
    const { id } = await local.probe.api.submitTask({ type: "echo", input: { once: true } });
    await Promise.all([local.probe.redeliver(id), local.probe.redeliver(id)]);
    await local.probe.waitForStatus(id, "succeeded");
    await local.probe.redeliver(id);
    await local.probe.drained();
    await waitFor(
      async () =>
        local.probe.executionsOf(id).every((e) => e.status !== "RUNNING") ? true : undefined,
      { timeoutMs: 10_000, intervalMs: 50, what: `the executions of ${id} to end` },
    );

    const executions = local.probe.executionsOf(id);
    const task = await local.probe.api.getTask(id);

    expect(task).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(executions.length).toBeGreaterThanOrEqual(1);
    expect(executions.every((e) => e.type === "EXPRESS" && e.name === executionName(id, 1))).toBe(
      true,
    );
    expect(executions.filter((e) => e.status === "SUCCEEDED")).toHaveLength(1);
    for (const extra of executions.filter((e) => e.status !== "SUCCEEDED")) {
      expect(extra).toMatchObject({ status: "FAILED", error: "TaskSupersededError" });
    }
    const duplicates = events.filter((e) => e.kind === "batch" && e.batch.failed > 0);
    expect(duplicates).toEqual([]);
  });

  it("the same Idempotency-Key twice gives one id and one execution", async () => {
    const first = await local.probe.api.submitTask(
      { type: "echo", input: { n: 7 } },
      { idempotencyKey: "e2e-key-1" },
    );
    const second = await local.probe.api.submitTask(
      { type: "echo", input: { n: 7 } },
      { idempotencyKey: "e2e-key-1" },
    );
    await local.probe.waitForStatus(first.id, "succeeded");
    await local.probe.drained();

    expect(second).toMatchObject({ id: first.id, replayed: true });
    const names = [...(await local.probe.executions()).keys()].filter((name) =>
      name.startsWith(first.id),
    );
    expect(names).toEqual([executionName(first.id, 1)]);
  });
});

describe("bad input never enters the queue", () => {
  const post = (body: string, contentType = "application/json") =>
    fetch(`${local.runtime.apiUrl}/tasks`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });

  it.each([
    ["malformed JSON", '{"type": "echo",', "application/json", 400],
    ["not JSON", "type=echo", "text/plain", 415],
    ["an unknown type", '{"type": "resize", "input": {}}', "application/json", 422],
    ["a schema violation", '{"type": "sleep", "input": {"seconds": -1}}', "application/json", 422],
    [
      "an oversize body",
      JSON.stringify({ type: "echo", input: "x".repeat(1_100_000) }),
      "application/json",
      413,
    ],
  ])(
    "%s gets its status as problem+json and leaves the queue and the table untouched",
    async (_case, body, type, status) => {
      await local.probe.drained();
      const recordsBefore = await local.probe.taskRecordCount();
      const executionsBefore = (await local.probe.executions()).size;

      const response = await post(body, type);

      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await local.probe.queueDepth()).toBe(0);
      expect(await local.probe.taskRecordCount()).toBe(recordsBefore);
      expect((await local.probe.executions()).size).toBe(executionsBefore);
    },
  );

  it("the client library reports the failing field", async () => {
    const failure = local.probe.api.submitTask({ type: "word-count", input: { text: 42 } });

    await expect(failure).rejects.toBeInstanceOf(TasklaneApiError);
    await expect(failure).rejects.toMatchObject({ problem: { errors: [{ path: "input.text" }] } });
  });
});
