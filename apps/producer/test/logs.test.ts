import { SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { captureJsonLines, type JsonLine } from "@tasklane/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { apiEvent, call } from "./helpers/apiEvents.js";
import { producerSuite } from "./helpers/producerSuite.js";

// The handlers log at INFO to stdout (warnings to stderr), where the tests read the JSON lines.
const { aws, ingest } = producerSuite({ inlineInputMaxBytes: 4_096, logLevel: "INFO" }, ["ingest"]);
const lines: JsonLine[] = [];

beforeEach(() => captureJsonLines(lines, [process.stdout, process.stderr]));

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
