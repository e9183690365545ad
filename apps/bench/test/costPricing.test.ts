import { describe, expect, it } from "vitest";
import { AWS_PRICES } from "../src/cost/awsPrices.js";
import * as costReport from "../src/cost/costReport.js";

const arm = { architecture: "arm64", fifo: false } as const;

/** What 1,000 echo tasks on Standard use, in round figures of a real run. */
function echoOnStandard(): costReport.Usage {
  const usage = costReport.emptyUsage(1_000);
  usage.api = { requests: 1_000, meteredRequests: 1_000 };
  usage.lambda = {
    ingest: {
      invocations: 1_000,
      memoryMb: 256,
      billedMs: 40_000,
      gbSeconds: costReport.lambdaGbSeconds(40_000, 256),
    },
    "create-task": {
      invocations: 1_000,
      memoryMb: 1024,
      billedMs: 30_000,
      gbSeconds: costReport.lambdaGbSeconds(30_000, 1024),
    },
  };
  usage.stepFunctions.standard = { executions: 1_000, transitions: 4_000 };
  usage.requests = [
    { service: "SQS", action: "SendMessageBatch", count: 1_000, billed: 1_000 },
    { service: "SQS", action: "ReceiveMessage", count: 100, billed: 100 },
    { service: "S3", action: "PutObject", count: 1_000, billed: 1_000 },
    { service: "S3", action: "DeleteObject", count: 1_000, billed: 1_000 },
    { service: "DynamoDB", action: "PutItem", count: 1_000, billed: 1_000 },
  ];
  usage.dynamodb = {
    tableWriteUnits: 4_000,
    indexWriteUnits: { byOwner: 3_000, byTime: 3_000, unsent: 2_000 },
    readUnits: 1_000,
  };
  usage.logs = {
    handlerBytes: 1024 ** 3 / 1000,
    platformBytes: 0,
    stateMachineBytes: 0,
    accessLogBytes: 0,
  };
  return usage;
}

describe("pricing counted usage per million tasks", () => {
  it("prices four Standard transitions a task at $100 per million", () => {
    const cost = costReport.costPerMillion(echoOnStandard(), arm);

    expect(cost.byService["Step Functions"]).toBeCloseTo(100, 6);
  });

  it("prices Lambda by requests and GB-seconds of the stack's architecture", () => {
    // 2 invocations ($0.40) + 0.01 GB-s + 0.03 GB-s per task at arm64's rate.
    const expected = 0.4 + 0.04 * AWS_PRICES.lambda.gbSecond.arm64 * 1e6;

    expect(costReport.costPerMillion(echoOnStandard(), arm).byService.Lambda).toBeCloseTo(
      expected,
      6,
    );
    expect(
      costReport.costPerMillion(echoOnStandard(), { ...arm, architecture: "x86_64" }).byService
        .Lambda,
    ).toBeGreaterThan(expected);
  });

  it("prices DynamoDB's table and index write units and read units", () => {
    // 12 WRU at $0.625 and 1 RRU at $0.125 per million.
    expect(costReport.costPerMillion(echoOnStandard(), arm).byService.DynamoDB).toBeCloseTo(
      12 * 0.625 + 0.125,
      6,
    );
  });

  it("prices SQS by billed requests, S3 PUTs at the PUT rate and DELETEs at nothing", () => {
    const cost = costReport.costPerMillion(echoOnStandard(), arm);

    expect(cost.byService.SQS).toBeCloseTo(1.1 * 0.4, 6);
    expect(cost.byService.S3).toBeCloseTo(5, 6);
    expect(
      costReport.costPerMillion(echoOnStandard(), { ...arm, fifo: true }).byService.SQS,
    ).toBeCloseTo(1.1 * 0.5, 6);
  });

  it("prices API Gateway per metered request and CloudWatch Logs per GiB ingested", () => {
    const cost = costReport.costPerMillion(echoOnStandard(), arm);

    expect(cost.byService["API Gateway"]).toBeCloseTo(1, 6);
    expect(cost.byService["CloudWatch Logs"]).toBeCloseTo(0.5, 6);
    expect(cost.total).toBeCloseTo(
      Object.values(cost.byService).reduce((a, b) => a + b, 0),
      9,
    );
  });

  it("prices an Express execution at $1 per million plus its duration at 64 MB", () => {
    // Prepare
    const usage = costReport.emptyUsage(1);
    const billing = costReport.expressBilling(120);
    usage.stepFunctions.express = { executions: 1, ...billing };

    // Act
    const cost = costReport.costPerMillion(usage, arm);

    // Assess
    expect(billing).toEqual({ billedMs: 200, gbSeconds: 0.2 * (64 / 1024) });
    expect(cost.byService["Step Functions"]).toBeCloseTo(
      1 + 0.0125 * AWS_PRICES.stepFunctions.expressGbSecond * 1e6,
      6,
    );
  });

  it("prices nothing for no units", () => {
    expect(costReport.costPerMillion(costReport.emptyUsage(0), arm).total).toBe(0);
  });
});

describe("billing rules", () => {
  it.each([
    [0.2, 1],
    [12, 12],
    [12.01, 13],
  ])("rounds a Lambda duration of %d ms up to %d ms", (durationMs, billed) => {
    expect(costReport.lambdaBilledMs(durationMs)).toBe(billed);
  });

  it("rounds Express up to 100 ms and 64 MB chunks", () => {
    expect(costReport.expressBilling(0).billedMs).toBe(100);
    expect(costReport.expressBilling(1_001, 65)).toEqual({
      billedMs: 1_100,
      gbSeconds: 1.1 * (128 / 1024),
    });
  });

  it.each([
    ["SendMessageBatch", 700, 0, 1],
    ["SendMessageBatch", 70_000, 0, 2],
    ["ReceiveMessage", 300, 140_000, 3],
    ["DeleteMessageBatch", 400, 90_000, 1],
  ])(
    "bills SQS %s of %d bytes sent and %d received as %d requests",
    (action, sent, received, billed) => {
      expect(costReport.sqsBilledRequests(action, sent, received)).toBe(billed);
    },
  );

  it("meters API Gateway requests per 512 KB", () => {
    expect([
      costReport.apiMeteredRequests(60),
      costReport.apiMeteredRequests(512 * 1024 + 1),
    ]).toEqual([1, 2]);
  });

  it("divides every counted figure by the units for a per-task view", () => {
    const perTask = costReport.usagePerUnit(echoOnStandard());

    expect(perTask.stepFunctions.standard.transitions).toBe(4);
    expect(perTask.dynamodb.indexWriteUnits).toEqual({ byOwner: 3, byTime: 3, unsent: 2 });
    expect(perTask.lambda["create-task"]).toMatchObject({
      invocations: 1,
      billedMs: 30,
      memoryMb: 1024,
    });
  });
});
