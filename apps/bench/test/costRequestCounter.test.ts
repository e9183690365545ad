import { AsyncLocalStorage } from "node:async_hooks";
import { once } from "node:events";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  type AwsRequestLine,
  classifyAwsRequest,
  startRequestCounter,
} from "../src/cost/requestCounter.js";

describe("which AWS call a request is", () => {
  it.each<[string, AwsRequestLine, string, string]>([
    [
      "DynamoDB, from X-Amz-Target",
      {
        method: "POST",
        host: "127.0.0.1:45001",
        path: "/",
        target: "DynamoDB_20120810.UpdateItem",
      },
      "DynamoDB",
      "UpdateItem",
    ],
    [
      "SQS's JSON protocol",
      {
        method: "POST",
        host: "sqs.us-east-1.localhost:41471",
        path: "/",
        target: "AmazonSQS.SendMessageBatch",
      },
      "SQS",
      "SendMessageBatch",
    ],
    [
      "SQS's query protocol, from the body's Action",
      {
        method: "POST",
        host: "sqs.us-east-1.amazonaws.com",
        path: "/",
        formBody:
          "Action=ReceiveMessage&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F1%2Fq",
      },
      "SQS",
      "ReceiveMessage",
    ],
    [
      "Step Functions",
      {
        method: "POST",
        host: "127.0.0.1:39111",
        path: "/",
        target: "AWSStepFunctions.StartExecution",
      },
      "StepFunctions",
      "StartExecution",
    ],
    [
      "an S3 PUT of a key, virtual-hosted",
      {
        method: "PUT",
        host: "tasklane-dev-results.s3.localhost:41471",
        path: "/results/0193/output.json?x-id=PutObject",
      },
      "S3",
      "PutObject",
    ],
    [
      "an S3 PUT with a copy source",
      {
        method: "PUT",
        host: "tasklane-prod-results.s3.us-east-1.amazonaws.com",
        path: "/a/b.json",
        copySource: true,
      },
      "S3",
      "CopyObject",
    ],
    [
      "an S3 GET of a key, path-style",
      {
        method: "GET",
        host: "s3.localhost:41471",
        path: "/tasklane-dev-payloads/inputs/0193/abc.json",
      },
      "S3",
      "GetObject",
    ],
    [
      "an S3 listing, path-style",
      {
        method: "GET",
        host: "s3.localhost:41471",
        path: "/tasklane-dev-payloads?list-type=2&prefix=inputs%2F",
      },
      "S3",
      "ListObjectsV2",
    ],
    [
      "an S3 DELETE of a key",
      {
        method: "DELETE",
        host: "tasklane-dev-payloads.s3.localhost:41471",
        path: "/inputs/0193/abc.json",
      },
      "S3",
      "DeleteObject",
    ],
    [
      "an S3 HEAD of a key",
      {
        method: "HEAD",
        host: "tasklane-dev-results.s3.us-east-1.amazonaws.com",
        path: "/results/x.json",
      },
      "S3",
      "HeadObject",
    ],
    [
      "anything else",
      { method: "GET", host: "169.254.169.254", path: "/latest/meta-data" },
      "other",
      "GET 169.254.169.254",
    ],
  ])("%s", (_case, line, service, action) => {
    expect(classifyAwsRequest(line)).toEqual({ service, action });
  });
});

describe("counting requests as they are made", () => {
  it("counts each request with the invocation it was made in, its body and its answer", async () => {
    // Prepare
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": "2" });
        res.end("{}");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const context = new AsyncLocalStorage<{ fn: string }>();
    const counter = startRequestCounter(context);
    const send = (target: string, body: string) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            method: "POST",
            path: "/",
            headers: { "x-amz-target": target },
          },
          (res) => {
            res.resume();
            res.on("end", resolve);
          },
        );
        req.on("error", reject);
        req.end(body);
      });

    try {
      // Act
      await context.run({ fn: "ingest" }, () =>
        send("DynamoDB_20120810.PutItem", '{"TableName":"t"}'),
      );
      await send("AmazonSQS.ReceiveMessage", '{"QueueUrl":"q"}');
      await new Promise((resolve) => setImmediate(resolve));
      const counted = counter.take();

      // Assess
      expect(counted.map((r) => [r.service, r.action, r.caller?.fn])).toEqual([
        ["DynamoDB", "PutItem", "ingest"],
        ["SQS", "ReceiveMessage", undefined],
      ]);
      expect(counted[0]).toMatchObject({
        body: '{"TableName":"t"}',
        requestBytes: 17,
        statusCode: 200,
        responseBytes: 2,
      });
      expect(counted[1]?.body).toBeUndefined();
      expect(counter.inFlightFromHandlers).toBe(0);
      expect(counter.take()).toEqual([]);
    } finally {
      counter.stop();
      server.close();
    }
  });
});
