import { GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { type JsonValue, parseEnvelope, type TaskStatus } from "@tasklane/shared-task";
import { captureJsonLines, type JsonLine, metricsIn } from "@tasklane/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { retryTask } from "../src/retryTask.js";
import { CALLER, call, taskEvent } from "./helpers/apiEvents.js";
import { drainQueue, refusingSqs, seedTask } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, retry } = producerSuite({ metrics: true }, ["retry"]);
const lines: JsonLine[] = [];

beforeEach(() => {
  aws.fauxqs.reset();
  // The handlers publish metrics as EMF lines on stdout.
  return captureJsonLines(lines);
});

const retryOf = (id: string, body?: unknown) =>
  call(
    retry,
    taskEvent(
      "POST /tasks/{id}/retry",
      id,
      body === undefined ? { headers: { "content-type": "" } } : { body },
    ),
  );

const failedTask = (input?: JsonValue) =>
  seedTask(records, { owner: CALLER, status: "failed", ...(input ? { input } : {}) });

describe("POST /tasks/{id}/retry", () => {
  it.each<TaskStatus>(["failed", "cancelled"])(
    "queues a %s task's next generation: 202, one envelope of generation 2",
    async (status) => {
      // Prepare
      const ended = await seedTask(records, { owner: CALLER, status });

      // Act
      const response = await retryOf(ended.id);

      // Assess
      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        id: ended.id,
        type: "echo",
        generation: 2,
        status: "queued",
      });
      expect(response.headers.location).toBe(`/tasks/${ended.id}`);
      const messages = await drainQueue(aws);
      expect(messages.map((m) => parseEnvelope(m.body))).toEqual([
        expect.objectContaining({ id: ended.id, generation: 2, input: ended.input }),
      ]);
      const record = await records.get(ended.id);
      expect(record).toMatchObject({ status: "queued", generation: 2, sentAt: expect.any(String) });
      expect(record?.unsentSince).toBeUndefined();
      expect(metricsIn(lines)).toEqual({ TasksRetried: 1 });
    },
  );

  it("of 8 concurrent retries of one failed task, answers one 202 and seven 409", async () => {
    // Prepare
    const failed = await failedTask();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => retryOf(failed.id, { generation: 1 })),
    );

    // Assess
    expect(responses.map((r) => r.status).sort()).toEqual([202, ...Array(7).fill(409)]);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body).toMatchObject({ taskGeneration: 2 });
    }
    const record = await records.get(failed.id);
    expect(record?.generation).toBe(2);
    expect(record?.timeline.filter((e) => e.event === "queued" && e.generation === 2)).toHaveLength(
      1,
    );
    expect(await drainQueue(aws)).toHaveLength(1);
  });

  it("answers 409 to a retry of a generation someone retried first", async () => {
    // Prepare
    const failed = await failedTask();
    await retryOf(failed.id, { generation: 1 });

    // Act
    const stale = await retryOf(failed.id, { generation: 1 });

    // Assess
    expect(stale.status).toBe(409);
    expect(stale.contentType).toBe("application/problem+json");
    expect(stale.body).toMatchObject({
      taskGeneration: 2,
      detail: expect.stringContaining("is at generation 2, not 1"),
    });
  });

  it.each<TaskStatus>(["queued", "running", "succeeded"])(
    "answers 409 naming the status to a retry of a %s task, and sends nothing",
    async (status) => {
      // Prepare
      const current = await seedTask(records, { owner: CALLER, status });

      // Act
      const response = await retryOf(current.id);

      // Assess
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ taskStatus: status, taskGeneration: 1 });
      expect(await drainQueue(aws)).toEqual([]);
    },
  );

  it.each([
    ["a task that does not exist", "0190f5b2-7c1e-7d3a-9f00-123456789abc"],
    ["an id that is not a task id", "not-a-task"],
  ])("answers 404 for %s", async (_case, id) => {
    expect((await retryOf(id)).status).toBe(404);
  });

  it.each([
    ["a generation of 0", { generation: 0 }, "generation"],
    ["an unknown field", { generation: 1, force: true }, ""],
  ])("answers 422 to a body with %s", async (_case, body, path) => {
    // Prepare
    const failed = await failedTask();

    // Act
    const response = await retryOf(failed.id, body);

    // Assess
    expect(response.status).toBe(422);
    if (path) expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
    expect((await records.get(failed.id))?.generation).toBe(1);
  });

  it("answers 503 when SQS refuses the envelope, and leaves the task retryable at the generation it reached", async () => {
    // Prepare: an envelope over the queue's smallest message size, which SQS refuses.
    const failed = await failedTask({ text: "x".repeat(1_200) });
    const setMaximum = (bytes: string) =>
      aws.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: aws.queueUrl,
          Attributes: { MaximumMessageSize: bytes },
        }),
      );
    const before = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: aws.queueUrl, AttributeNames: ["All"] }),
    );
    await setMaximum("1024");

    // Act
    let refused: Awaited<ReturnType<typeof retryOf>>;
    try {
      refused = await retryOf(failed.id);
    } finally {
      await setMaximum(before.Attributes?.MaximumMessageSize ?? "262144");
    }

    // Assess
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    const record = await records.get(failed.id);
    expect(record).toMatchObject({ status: "failed", generation: 2, error: failed.error });
    expect(record?.timeline.at(-1)).toMatchObject({ event: "not-enqueued", generation: 2 });
    expect(metricsIn(lines)).toEqual({ RetriesRolledBack: 1 });
    const again = await retryOf(failed.id, { generation: 2 });
    expect(again.body).toMatchObject({ generation: 3, status: "queued" });
  });
});

describe("retryTask", () => {
  it("restores the task when SQS answers the entry Failed, and leaves the next retry possible", async () => {
    // Prepare
    const failed = await failedTask();
    const refusing = refusingSqs({ senderFault: true });

    // Act
    const outcome = await retryTask(
      { records, sqs: refusing.sqs, queueUrl: aws.queueUrl },
      failed.id,
      { caller: CALLER, operator: false },
      1,
    );

    // Assess
    expect(outcome).toEqual({
      kind: "unavailable",
      detail: expect.stringContaining("SQS refused the message"),
      restored: true,
    });
    expect(await records.get(failed.id)).toMatchObject({ status: "failed", generation: 2 });
    expect(refusing.calls.batches).toBe(1);
  });

  it("retries the current generation when the caller names none", async () => {
    // Prepare
    const failed = await failedTask();

    // Act
    const outcome = await retryTask({ records, sqs: aws.sqs, queueUrl: aws.queueUrl }, failed.id, {
      caller: CALLER,
      operator: false,
    });

    // Assess
    expect(outcome).toMatchObject({ kind: "queued", record: { generation: 2 } });
  });
});
