import { SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { AwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiHandler, apiEvent, call } from "./helpers/apiEvents.js";
import { startProducerEnvironment } from "./helpers/producerEnvironment.js";

let aws: AwsEmulators;
let ingest: ApiHandler;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  aws = await startProducerEnvironment({ inlineInputMaxBytes: 4_096 });
  // This file's module instance logs at INFO to stdout (warnings to stderr), where the test
  // reads the JSON lines.
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  ingest = (await import("../src/handlers/ingest.js")).handler;
});
afterAll(() => aws.stop());
beforeEach(() => {
  lines = [];
  // Mocks are restored after each test (restoreMocks), so each test captures afresh.
  const capture = (chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{")) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});

const submit = (correlationId: string, input: unknown = { correlationId }) =>
  call(
    ingest,
    apiEvent({
      routeKey: "POST /tasks",
      path: "/tasks",
      body: { type: "echo", input },
      headers: { "x-correlation-id": correlationId },
    }),
  );

describe("the producer's logs", () => {
  it("keep each of two overlapping requests' correlation id on its own lines", async () => {
    // Act
    const [a, b] = await Promise.all([submit("req-a"), submit("req-b")]);

    // Assess
    const accepted = lines.filter((l) => l.message === "task accepted");
    expect(accepted.map((l) => `${l.correlation_id} ${l.taskId}`).sort()).toEqual(
      [`req-a ${a.body.id}`, `req-b ${b.body.id}`].sort(),
    );
    expect(accepted.every((l) => l.route === "POST /tasks")).toBe(true);
  });

  it("warn of a submission SQS refused and its rollback, under the request's correlation id", async () => {
    // Prepare: an envelope over the queue's smallest message size, which SQS refuses.
    const setMaximum = (bytes: string) =>
      aws.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: aws.queueUrl,
          Attributes: { MaximumMessageSize: bytes },
        }),
      );
    await setMaximum("1024");

    // Act
    let response: Awaited<ReturnType<typeof submit>>;
    try {
      response = await submit("req-refused", { text: "x".repeat(2_000) });
    } finally {
      await setMaximum("262144");
    }

    // Assess
    expect(response.status).toBe(503);
    expect(lines.filter((l) => l.message === "submission refused: rolled-back")).toEqual([
      expect.objectContaining({
        level: "WARN",
        correlation_id: "req-refused",
        detail: expect.stringContaining("SQS refused the message"),
      }),
    ]);
  });
});
