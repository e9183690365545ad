import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { executionName } from "@tasklane/shared-task";
import { waitFor } from "@tasklane/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { useLocalRuntime } from "./helpers/pipeline.js";

// The one shortcut: a 1 s visibility timeout instead of 180 s, so that redeliveries, and the
// DLQ after maxReceiveCount (5) receives, take seconds. Every count and rule is the real one.
const local = useLocalRuntime({ testOverrides: { visibilityTimeoutSeconds: 1 } });
// Runs before the runtime stops (after-hooks run last registered first).
afterAll(() => local.runtime.stepFunctions.setOutage(undefined));

describe("a poison message", () => {
  it("reaches the DLQ after maxReceiveCount receives, and nothing else is lost", async () => {
    const dlqBefore = await local.probe.dlqDepth();
    await local.probe.sqs.send(
      new SendMessageCommand({
        QueueUrl: local.runtime.queueUrl,
        MessageBody: '{"v":1,"id":"not-a-task"}',
      }),
    );
    const good = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        local.probe.api.submitTask({ type: "echo", input: { i } }),
      ),
    );

    await waitFor(
      async () => ((await local.probe.dlqDepth()) === dlqBefore + 1 ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "the poison message to reach the DLQ",
      },
    );
    await local.probe.drained();

    const inDlq = await local.probe.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: local.runtime.dlqUrl,
        MessageSystemAttributeNames: ["All"],
        MaxNumberOfMessages: 10,
      }),
    );
    const poison = inDlq.Messages?.filter((m) => m.Body === '{"v":1,"id":"not-a-task"}') ?? [];
    expect(poison).toHaveLength(1);
    expect(Number(poison[0]?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
    expect(await local.probe.dlqDepth()).toBe(dlqBefore + 1);
    const statuses = await Promise.all(
      good.map((t) => local.probe.api.waitForTask(t.id, { intervalMs: 50 })),
    );
    expect(statuses.every((t) => t.status === "succeeded")).toBe(true);
  }, 60_000);
});

describe("cancelling a task that is still in the queue", () => {
  it("stands while Step Functions is down: the record's cancellation is what counts, and the task never runs", async () => {
    // Prepare: Step Functions is down, so the consumer cannot start the task.
    local.runtime.stepFunctions.setOutage("unavailable");
    let id: string;
    try {
      ({ id } = await local.probe.api.submitTask({ type: "echo", input: {} }));
      // Act
      const cancelled = await local.probe.api.cancelTask(id);
      expect(cancelled.status).toBe("cancelled");
    } finally {
      local.runtime.stepFunctions.setOutage(undefined);
    }
    await local.probe.drained();

    // Assess: the task's code never ran. A start the SDK was still retrying when the outage
    // ended may have gone through: its first step found the record cancelled and ran nothing.
    const task = await local.probe.api.getTask(id);
    expect(task.status).toBe("cancelled");
    expect(task.attempts).toBe(0);
    expect([undefined, "ABORTED", "FAILED"]).toContain(
      await local.probe.endOf(executionName(id, 1)),
    );
  }, 30_000);

  it("keeps it from running: no execution, or one stopped at once; status cancelled; message consumed", async () => {
    const dlqBefore = await local.probe.dlqDepth();
    // StartExecution is throttled, so the consumer cannot start it and it stays queued.
    local.runtime.stepFunctions.setOutage("start-throttled");
    let cancelled: Awaited<ReturnType<typeof local.probe.api.cancelTask>>;
    let id: string;
    try {
      ({ id } = await local.probe.api.submitTask({ type: "sleep", input: { seconds: 30 } }));
      expect((await local.probe.api.getTask(id)).status).toBe("queued");
      cancelled = await local.probe.api.cancelTask(id);
    } finally {
      local.runtime.stepFunctions.setOutage(undefined);
    }
    await local.probe.drained();

    expect(cancelled.status).toBe("cancelled");
    const task = await local.probe.api.getTask(id);
    expect(task.status).toBe("cancelled");
    // The SDK retries a throttled StartExecution by itself, so a start already under way may get
    // through after the cancellation: its first step then finds the record cancelled and ends
    // (FAILED, TaskSupersededError) without calling the task, or the consumer stops it.
    expect(task.attempts).toBe(0);
    expect([undefined, "ABORTED", "FAILED"]).toContain(
      await local.probe.endOf(executionName(id, 1)),
    );
    expect(await local.probe.dlqDepth()).toBe(dlqBefore);
  }, 30_000);
});

describe("a burst of 2,000 tasks", () => {
  it("all reach succeeded: the queue absorbs the burst and nothing is lost", async () => {
    const dlqBefore = await local.probe.dlqDepth();
    const ids: string[] = [];
    for (let batch = 0; batch < 20; batch += 4) {
      const results = await Promise.all(
        [0, 1, 2, 3].map((k) =>
          local.probe.api.submitBatch(
            Array.from({ length: 100 }, (_, i) => ({
              type: "echo",
              input: { n: (batch + k) * 100 + i },
            })),
          ),
        ),
      );
      for (const result of results) {
        expect(result.rejected).toBe(0);
        for (const item of result.results) if ("id" in item) ids.push(item.id);
      }
    }
    expect(new Set(ids).size).toBe(2_000);

    const succeeded = await waitFor(
      async () => {
        const executions = await local.probe.executions();
        const done = ids.filter((id) => executions.get(executionName(id, 1)) === "SUCCEEDED");
        return done.length === ids.length ? done : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: "2,000 executions to succeed" },
    );

    expect(succeeded).toHaveLength(2_000);
    const sample = await Promise.all(
      ids.filter((_, i) => i % 100 === 0).map((id) => local.probe.api.getTask(id)),
    );
    expect(sample.every((t) => t.status === "succeeded" && t.attempts === 1)).toBe(true);
    await local.probe.drained();
    expect(await local.probe.dlqDepth()).toBe(dlqBefore);
  }, 180_000);
});
