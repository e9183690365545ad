import type { AwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHandler, apiEvent, call } from "./helpers/apiEvents.js";
import { receiveAll, startProducerEnvironment } from "./helpers/producerEnvironment.js";

let aws: AwsEmulators;
let ingest: ApiHandler;

beforeAll(async () => {
  aws = await startProducerEnvironment({ fifo: true });
  ingest = (await import("../src/handlers/ingest.js")).handler;
});
afterAll(() => aws.stop());

describe("POST /tasks to a FIFO queue", () => {
  it("sends each task with a message group and a deduplication id from its envelope", async () => {
    const response = await call(
      ingest,
      apiEvent({ routeKey: "POST /tasks", body: { type: "echo", input: {} } }),
    );

    expect(response.status).toBe(202);
    const [message] = await receiveAll(aws);
    expect(message?.attributes).toMatchObject({
      MessageGroupId: response.body.id,
      MessageDeduplicationId: `${response.body.id}-g1`,
    });
  });
});
