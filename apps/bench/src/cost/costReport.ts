import { AWS_PRICES, type AwsPrices } from "./awsPrices.js";
import type { AwsService } from "./requestCounter.js";

/** Which workflow type executions ran on. */
export type WorkflowType = "STANDARD" | "EXPRESS";

/** What a set of runs used, counted; every cost below is priced from these figures alone. */
export interface Usage {
  /** What the figures are divided by: tasks of a type, or polls. */
  units: number;
  /** API Gateway requests, and their 512 KB metering units. */
  api: { requests: number; meteredRequests: number };
  /** Per function (catalog name). */
  lambda: Record<
    string,
    { invocations: number; memoryMb: number; billedMs: number; gbSeconds: number }
  >;
  stepFunctions: {
    standard: { executions: number; transitions: number };
    express: { executions: number; billedMs: number; gbSeconds: number };
  };
  /** Requests by service and action: `count` as made, `billed` as billed (SQS: 64 KB chunks). */
  requests: { service: AwsService; action: string; count: number; billed: number }[];
  dynamodb: { tableWriteUnits: number; indexWriteUnits: Record<string, number>; readUnits: number };
  logs: {
    handlerBytes: number;
    platformBytes: number;
    stateMachineBytes: number;
    accessLogBytes: number;
  };
}

export const COST_SERVICES = [
  "API Gateway",
  "Lambda",
  "Step Functions",
  "SQS",
  "DynamoDB",
  "S3",
  "CloudWatch Logs",
] as const;
export type CostService = (typeof COST_SERVICES)[number];

/** Dollars per million units (tasks or polls), per service and in all. */
export interface CostPerMillion {
  byService: Record<CostService, number>;
  total: number;
}

const GB = 1024 ** 3;
/** S3 requests billed at the PUT, COPY, POST and LIST rate; DELETE is free, the rest are GET-rate. */
const S3_PUT_CLASS =
  /^(PutObject|CopyObject|UploadPart|CreateMultipartUpload|CompleteMultipartUpload|ListObjects|ListObjectsV2|CreateBucket)$/;
const S3_FREE = /^(DeleteObject|DeleteObjects|AbortMultipartUpload|DeleteBucket)$/;

/**
 * What `usage.units` of something cost on AWS, per million, priced at `prices`: every line is a
 * counted quantity times a list price (see `AWS_PRICES` for the rules each service bills by).
 */
export function costPerMillion(
  usage: Usage,
  options: { architecture: "arm64" | "x86_64"; fifo: boolean },
  prices: AwsPrices = AWS_PRICES,
): CostPerMillion {
  const perUnit = (dollars: number) => (usage.units > 0 ? (dollars / usage.units) * 1e6 : 0);
  const lambda = Object.values(usage.lambda).reduce(
    (sum, fn) =>
      sum +
      (fn.invocations * prices.lambda.requestPerMillion) / 1e6 +
      fn.gbSeconds * prices.lambda.gbSecond[options.architecture],
    0,
  );
  const { standard, express } = usage.stepFunctions;
  const stepFunctions =
    (standard.transitions * prices.stepFunctions.standardTransitionPerMillion) / 1e6 +
    (express.executions * prices.stepFunctions.expressRequestPerMillion) / 1e6 +
    express.gbSeconds * prices.stepFunctions.expressGbSecond;
  const sqsRate = options.fifo
    ? prices.sqs.fifoRequestPerMillion
    : prices.sqs.standardRequestPerMillion;
  let sqs = 0;
  let s3 = 0;
  for (const request of usage.requests) {
    if (request.service === "SQS") sqs += (request.billed * sqsRate) / 1e6;
    if (request.service === "S3" && !S3_FREE.test(request.action)) {
      const rate = S3_PUT_CLASS.test(request.action)
        ? prices.s3.putPerThousand
        : prices.s3.getPerThousand;
      s3 += (request.billed * rate) / 1000;
    }
  }
  const writeUnits =
    usage.dynamodb.tableWriteUnits +
    Object.values(usage.dynamodb.indexWriteUnits).reduce((sum, units) => sum + units, 0);
  const dynamodb =
    (writeUnits * prices.dynamodb.writeRequestUnitPerMillion) / 1e6 +
    (usage.dynamodb.readUnits * prices.dynamodb.readRequestUnitPerMillion) / 1e6;
  const logBytes =
    usage.logs.handlerBytes +
    usage.logs.platformBytes +
    usage.logs.stateMachineBytes +
    usage.logs.accessLogBytes;
  const byService: Record<CostService, number> = {
    "API Gateway": perUnit(
      (usage.api.meteredRequests * prices.apiGateway.httpRequestPerMillion) / 1e6,
    ),
    Lambda: perUnit(lambda),
    "Step Functions": perUnit(stepFunctions),
    SQS: perUnit(sqs),
    DynamoDB: perUnit(dynamodb),
    S3: perUnit(s3),
    "CloudWatch Logs": perUnit((logBytes / GB) * prices.cloudwatchLogs.ingestionPerGb),
  };
  return { byService, total: Object.values(byService).reduce((sum, dollars) => sum + dollars, 0) };
}

/** Lambda's billed duration of one invocation: rounded up to the millisecond. */
export function lambdaBilledMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function lambdaGbSeconds(billedMs: number, memoryMb: number): number {
  return (billedMs / 1000) * (memoryMb / 1024);
}

/**
 * An Express execution's billed duration and GB-seconds: rounded up to 100 ms, memory in 64 MB
 * chunks (`memoryMb`: the execution's, at least the first chunk).
 */
export function expressBilling(
  durationMs: number,
  memoryMb: number = AWS_PRICES.stepFunctions.expressMemoryStepMb,
  prices: AwsPrices = AWS_PRICES,
): { billedMs: number; gbSeconds: number } {
  const { expressDurationStepMs: step, expressMemoryStepMb: chunk } = prices.stepFunctions;
  const billedMs = Math.max(step, Math.ceil(durationMs / step) * step);
  const billedMb = Math.max(chunk, Math.ceil(memoryMb / chunk) * chunk);
  return { billedMs, gbSeconds: (billedMs / 1000) * (billedMb / 1024) };
}

/**
 * SQS bills every 64 KB chunk of a request's payload as one request: a send by what it sends,
 * a receive by what it receives.
 */
export function sqsBilledRequests(
  action: string,
  requestBytes: number,
  responseBytes: number,
  prices: AwsPrices = AWS_PRICES,
): number {
  const payload = /^ReceiveMessage$/.test(action) ? responseBytes : requestBytes;
  return Math.max(1, Math.ceil(payload / prices.sqs.chunkBytes));
}

/** API Gateway HTTP APIs meter a request per 512 KB of it. */
export function apiMeteredRequests(bytes: number, prices: AwsPrices = AWS_PRICES): number {
  return Math.max(1, Math.ceil(bytes / prices.apiGateway.meteringBytes));
}

/** Every field of `usage` divided by its units: what one task (or poll) uses. */
export function usagePerUnit(usage: Usage): Usage {
  const n = usage.units > 0 ? usage.units : 1;
  const per = (x: number) => x / n;
  return {
    units: 1,
    api: { requests: per(usage.api.requests), meteredRequests: per(usage.api.meteredRequests) },
    lambda: Object.fromEntries(
      Object.entries(usage.lambda).map(([name, fn]) => [
        name,
        {
          invocations: per(fn.invocations),
          memoryMb: fn.memoryMb,
          billedMs: per(fn.billedMs),
          gbSeconds: per(fn.gbSeconds),
        },
      ]),
    ),
    stepFunctions: {
      standard: {
        executions: per(usage.stepFunctions.standard.executions),
        transitions: per(usage.stepFunctions.standard.transitions),
      },
      express: {
        executions: per(usage.stepFunctions.express.executions),
        billedMs: per(usage.stepFunctions.express.billedMs),
        gbSeconds: per(usage.stepFunctions.express.gbSeconds),
      },
    },
    requests: usage.requests.map((r) => ({ ...r, count: per(r.count), billed: per(r.billed) })),
    dynamodb: {
      tableWriteUnits: per(usage.dynamodb.tableWriteUnits),
      indexWriteUnits: Object.fromEntries(
        Object.entries(usage.dynamodb.indexWriteUnits).map(([name, units]) => [name, per(units)]),
      ),
      readUnits: per(usage.dynamodb.readUnits),
    },
    logs: {
      handlerBytes: per(usage.logs.handlerBytes),
      platformBytes: per(usage.logs.platformBytes),
      stateMachineBytes: per(usage.logs.stateMachineBytes),
      accessLogBytes: per(usage.logs.accessLogBytes),
    },
  };
}

/** An empty usage of `units`, to add counted figures to. */
export function emptyUsage(units: number): Usage {
  return {
    units,
    api: { requests: 0, meteredRequests: 0 },
    lambda: {},
    stepFunctions: {
      standard: { executions: 0, transitions: 0 },
      express: { executions: 0, billedMs: 0, gbSeconds: 0 },
    },
    requests: [],
    dynamodb: { tableWriteUnits: 0, indexWriteUnits: {}, readUnits: 0 },
    logs: { handlerBytes: 0, platformBytes: 0, stateMachineBytes: 0, accessLogBytes: 0 },
  };
}
