import { describe, expect, it } from "vitest";
import { apiEvent, CALLER, call } from "./helpers/apiEvents.js";
import { receiveAll, seedTask } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, ingest, retry } = producerSuite({ fifo: true }, ["ingest", "retry"]);

describe("a FIFO tasks queue", () => {
  it("gets each submitted task with a message group and a deduplication id from its envelope", async () => {
    // Act
    const response = await call(
      ingest,
      apiEvent({ routeKey: "POST /tasks", body: { type: "echo", input: {} } }),
    );

    // Assess
    expect(response.status).toBe(202);
    const [message] = await receiveAll(aws);
    expect(message?.attributes).toMatchObject({
      MessageGroupId: response.body.id,
      MessageDeduplicationId: `${response.body.id}-g1`,
    });
  });

  it("gets a retried task under its new generation's deduplication id, so SQS does not drop it", async () => {
    // Prepare
    const failed = await seedTask(records, { owner: CALLER, status: "failed" });

    // Act
    const response = await call(
      retry,
      apiEvent({
        routeKey: "POST /tasks/{id}/retry",
        path: `/tasks/${failed.id}/retry`,
        pathParameters: { id: failed.id },
      }),
    );

    // Assess
    expect(response.status).toBe(202);
    const [message] = await receiveAll(aws);
    expect(message?.body).toMatchObject({ id: failed.id, generation: 2 });
    expect(message?.attributes).toMatchObject({
      MessageGroupId: failed.id,
      MessageDeduplicationId: `${failed.id}-g2`,
    });
  });
});
