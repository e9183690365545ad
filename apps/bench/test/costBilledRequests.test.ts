import { AsyncLocalStorage } from "node:async_hooks";
import { once } from "node:events";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { billedRequests } from "../src/cost/billedRequests.js";
import { type CountedRequest, startRequestCounter } from "../src/cost/requestCounter.js";

type Caller = { fn: string };

let seq = 0;
function counted(request: Partial<CountedRequest<Caller>>): CountedRequest<Caller> {
  return {
    seq: ++seq,
    service: "DynamoDB",
    action: "PutItem",
    caller: { fn: "producer" },
    requestBytes: 10,
    statusCode: 200,
    responseBytes: 2,
    done: true,
    ...request,
  };
}

describe("which counted requests are billed to the tasks", () => {
  it("bills the handlers' requests and the event source mapping's receives and deletes", () => {
    // Prepare
    const put = counted({});
    const receive = counted({
      service: "SQS",
      action: "ReceiveMessage",
      caller: undefined,
      responseBytes: 900,
    });
    const remove = counted({ service: "SQS", action: "DeleteMessageBatch", caller: undefined });

    // Act
    const { billed, excluded } = billedRequests([put, receive, remove]);

    // Assess
    expect(billed).toEqual([put, receive, remove]);
    expect(excluded).toEqual({ emptyReceives: 0, outsideHandlers: 0, unanswered: 0 });
  });

  it("leaves out empty receives, the benchmark's own calls and requests that ended unanswered", () => {
    // Prepare
    const put = counted({});
    const lostPut = counted({ statusCode: undefined, responseBytes: undefined });
    const emptyReceive = counted({
      service: "SQS",
      action: "ReceiveMessage",
      caller: undefined,
      responseBytes: 2,
    });
    const pollInFlight = counted({
      service: "SQS",
      action: "ReceiveMessage",
      caller: undefined,
      statusCode: undefined,
      responseBytes: undefined,
      done: false,
    });
    const scan = counted({ action: "Scan", caller: undefined });

    // Act
    const { billed, excluded } = billedRequests([lostPut, put, emptyReceive, pollInFlight, scan]);

    // Assess
    expect(billed).toEqual([put]);
    expect(excluded).toEqual({ emptyReceives: 2, outsideHandlers: 1, unanswered: 1 });
  });

  it("leaves out a request whose connection was reset before any answer, as counted", async () => {
    // Prepare: the server takes the request and resets the connection without answering.
    const server = createServer((req) => req.socket.resetAndDestroy());
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const context = new AsyncLocalStorage<Caller>();
    const counter = startRequestCounter(context);
    const send = () =>
      new Promise<string | undefined>((resolve) => {
        const req = httpRequest({
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/",
          headers: { "x-amz-target": "DynamoDB_20120810.PutItem" },
        });
        let code: string | undefined;
        req.on("error", (error: NodeJS.ErrnoException) => {
          code = error.code;
        });
        req.on("close", () => resolve(code));
        req.end('{"TableName":"t"}');
      });

    try {
      // Act
      const code = await context.run({ fn: "producer" }, send);
      const { billed, excluded } = billedRequests(counter.take());

      // Assess
      expect(code).toBe("ECONNRESET");
      expect(billed).toEqual([]);
      expect(excluded.unanswered).toBe(1);
    } finally {
      counter.stop();
      server.close();
    }
  });
});
