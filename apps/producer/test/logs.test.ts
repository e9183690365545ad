import type { AwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiHandler, apiEvent, call } from "./helpers/apiEvents.js";
import { startProducerEnvironment } from "./helpers/producerEnvironment.js";

let aws: AwsEmulators;
let ingest: ApiHandler;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  aws = await startProducerEnvironment();
  // This file's module instance logs at INFO to stdout, where the test reads the JSON lines.
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  ingest = (await import("../src/handlers/ingest.js")).handler;
});
afterAll(() => aws.stop());
beforeEach(() => {
  lines = [];
  // Mocks are restored after each test (restoreMocks), so each test captures afresh.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{")) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
});

describe("the producer's logs", () => {
  it("keep each of two overlapping requests' correlation id on its own lines", async () => {
    const submit = (correlationId: string) =>
      call(
        ingest,
        apiEvent({
          routeKey: "POST /tasks",
          path: "/tasks",
          body: { type: "echo", input: { correlationId } },
          headers: { "x-correlation-id": correlationId },
        }),
      );

    const [a, b] = await Promise.all([submit("req-a"), submit("req-b")]);

    const accepted = lines.filter((l) => l.message === "task accepted");
    expect(accepted.map((l) => `${l.correlation_id} ${l.taskId}`).sort()).toEqual(
      [`req-a ${a.body.id}`, `req-b ${b.body.id}`].sort(),
    );
    expect(accepted.every((l) => l.route === "POST /tasks")).toBe(true);
  });
});
