import { SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  type AwsEmulators,
  type StandInApi,
  startAwsEmulators,
  startStandInApi,
  taskEnvelope,
} from "@tasklane/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConsoleServer, startConsoleServer } from "../src/server/index.js";
import { pageCall, standInApp } from "./helpers/consoleClient.js";

let emulators: AwsEmulators;
let server: ConsoleServer;
let api: StandInApi;

beforeEach(async () => {
  emulators = await startAwsEmulators({ prefix: "console-test" });
  api = await startStandInApi(() => ({
    status: 200,
    body: {
      tasks: [
        {
          id: "q-1",
          type: "echo",
          status: "queued",
          generation: 1,
          attempts: 0,
          createdAt: new Date(Date.now() - 90_000).toISOString(),
          updatedAt: new Date().toISOString(),
        },
        {
          id: "r-1",
          type: "echo",
          status: "running",
          generation: 1,
          attempts: 1,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      ],
    },
  }));
  server = await startConsoleServer({
    target: {
      apiUrl: api.url,
      region: emulators.region,
      queueUrl: emulators.queueUrl,
      dlqUrl: emulators.dlqUrl,
      sqsEndpoint: `http://127.0.0.1:${emulators.fauxqs.port}`,
    },
    appDir: await standInApp(),
  });
});
afterEach(async () => {
  await server.stop();
  await api.close();
  await emulators.stop();
});

async function sendToDlq(body: string): Promise<string> {
  const out = await emulators.sqs.send(
    new SendMessageCommand({ QueueUrl: emulators.dlqUrl, MessageBody: body }),
  );
  return out.MessageId ?? "";
}

async function json<T = Record<string, unknown>>(answer: Promise<Response>): Promise<T> {
  const response = await answer;
  expect(response.ok, `${response.status} ${response.url}`).toBe(true);
  return (await response.json()) as T;
}

const post = (path: string, body: unknown) =>
  pageCall(server.url, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the DLQ behind /console/dlq", () => {
  it("lists the messages with their tasks, and leaves them in the DLQ", async () => {
    // Prepare
    const envelope = taskEnvelope("echo", { n: 1 });
    await sendToDlq(JSON.stringify(envelope));
    const other = await sendToDlq("not a task");

    // Act
    const first = await json<{ depth: { visible: number }; messages: Record<string, unknown>[] }>(
      pageCall(server.url, "/console/dlq"),
    );
    const again = await json<{ messages: unknown[] }>(pageCall(server.url, "/console/dlq"));

    // Assess
    expect(first.depth.visible).toBe(2);
    expect(first.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ taskId: envelope.id, type: "echo", preview: 'input {"n":1}' }),
        expect.objectContaining({ messageId: other, notATask: expect.any(String) }),
      ]),
    );
    expect(JSON.stringify(first.messages)).not.toContain("receiptHandle");
    expect(again.messages).toHaveLength(2);
  });

  it("redrives one message by task id to the tasks queue, and reports ids it did not find", async () => {
    const envelope = taskEnvelope("echo", { n: 2 });
    await sendToDlq(JSON.stringify(envelope));
    await sendToDlq("stays");

    const result = await json<{
      redriven: number;
      notFound: string[];
      reports: { outcome: string }[];
    }>(post("/console/dlq/redrive", { ids: [envelope.id, "no-such-id"] }));
    const queue = await json<{ depth: { visible: number } }>(
      pageCall(server.url, "/console/overview"),
    );
    const left = await json<{ messages: { preview: string }[] }>(
      pageCall(server.url, "/console/dlq"),
    );

    expect(result).toMatchObject({
      redriven: 1,
      notFound: ["no-such-id"],
      reports: [{ outcome: "redriven" }],
    });
    expect(queue).toMatchObject({ queue: { visible: 1 } });
    expect(left.messages.map((m) => m.preview)).toEqual(["stays"]);
  });

  it("refuses a purge without confirm: true, and with it deletes every message", async () => {
    await sendToDlq("a");
    await sendToDlq("b");

    const unconfirmed = await post("/console/dlq/purge", { all: true });
    const confirmed = await json<{ deleted: number }>(
      post("/console/dlq/purge", { all: true, confirm: true }),
    );
    const left = await json<{ messages: unknown[] }>(pageCall(server.url, "/console/dlq"));

    expect(unconfirmed.status).toBe(400);
    expect(((await unconfirmed.json()) as { errors: unknown }).errors).toEqual([
      { path: "confirm", message: "must be true" },
    ]);
    expect(confirmed.deleted).toBe(2);
    expect(left.messages).toEqual([]);
  });

  it.each([[{}], [{ all: true, ids: ["x"] }], [{ ids: [] }], [{ ids: [3] }]])(
    "refuses a redrive that names no messages clearly: %j",
    async (body) => {
      const answer = await post("/console/dlq/redrive", body);

      expect(answer.status).toBe(400);
    },
  );
});

describe("the overview behind /console/overview", () => {
  it("shows both queues' depth and the queued and running tasks the API lists", async () => {
    await sendToDlq("x");

    const overview = await json<Record<string, unknown>>(pageCall(server.url, "/console/overview"));

    expect(overview).toMatchObject({
      queue: { name: "console-test-tasks", visible: 0, inFlight: 0, delayed: 0 },
      dlq: { name: "console-test-dlq", visible: 1 },
      active: { queued: 1, running: 1, complete: true },
      errors: [],
    });
    const listing = api.requests.find((r) => r.url.includes("status=queued%2Crunning"));
    expect(listing?.url).toContain("since=24h");
  });
});
