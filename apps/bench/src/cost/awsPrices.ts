/**
 * The AWS list prices and default quotas `pnpm bench:cost` bills and bounds with: one dated
 * table, us-east-1, on-demand, before any free tier, savings plan or volume discount (the first
 * tier of every tiered price). Update the figures and `checkedOn` together.
 *
 * Checked on 2026-12-01 with the repository's search tool, which reads stored copies of public
 * pages (not the live site). Where a stored AWS page renders its rate table client-side, or only
 * a third-party page carried the figure, the source says so; the figure is then the well-known
 * list price that those pages agree on.
 */
export const AWS_PRICES = {
  checkedOn: "2026-12-01",
  region: "us-east-1",
  currency: "USD",

  lambda: {
    /** Per million invocations, any architecture. */
    requestPerMillion: 0.2,
    /** Per GB-second of billed duration (rounded up to 1 ms) × configured memory; first tier. */
    gbSecond: { arm64: 0.000_013_333_4, x86_64: 0.000_016_666_7 },
    source:
      "https://aws.amazon.com/lambda/pricing/ (stored copy of 2026-06-18: 1 ms rounding, duration × memory; its rate table renders client-side) — figures as on cloudchipr.com “AWS Lambda Pricing Breakdown” (Arm first 7.5 B GB-s $0.0000133334, x86 first 6 B GB-s $0.0000166667) and the artillery package's Lambda price table; $0.20 per 1M requests",
  },

  stepFunctions: {
    /** Standard: per million state transitions, retries included. */
    standardTransitionPerMillion: 25,
    /** Express: per million executions started. */
    expressRequestPerMillion: 1,
    /** Express: per GB-second, first 1,000 GB-hours a month ($0.06 per GB-hour). */
    expressGbSecond: 0.000_016_67,
    /** Express duration is rounded up to 100 ms and memory billed in 64 MB chunks. */
    expressDurationStepMs: 100,
    expressMemoryStepMb: 64,
    source:
      "https://aws.amazon.com/step-functions/pricing/ (stored copy: transitions counted per step executed, retries included; Express per request + duration rounded up to 100 ms × memory in 64-MB chunks) — figures as on wring.co “AWS Step Functions Pricing: Standard vs Express” (2026-03-14): $25.00 per 1M transitions, $1.00 per 1M requests, $0.00001667 per GB-second",
  },

  dynamodb: {
    /** On-demand, standard table class: per million write request units (1 KB each). */
    writeRequestUnitPerMillion: 0.625,
    /** Per million read request units (4 KB strongly consistent, or two eventually consistent). */
    readRequestUnitPerMillion: 0.125,
    writeUnitBytes: 1024,
    readUnitBytes: 4096,
    source:
      "https://aws.amazon.com/dynamodb/pricing/on-demand/ (stored copy: unit sizes, 1 KB write unit, 4 KB strongly consistent read unit) — figures after the 50% on-demand cut of 2024-11-01, as on airbyte.com “Amazon DynamoDB Pricing” (2025-07-21): $0.625 per 1M WRU, $0.125 per 1M RRU",
  },

  sqs: {
    /** Per million requests; every 64 KB chunk of a request's payload is billed as one request. */
    standardRequestPerMillion: 0.4,
    fifoRequestPerMillion: 0.5,
    chunkBytes: 64 * 1024,
    source:
      "https://aws.amazon.com/sqs/pricing/ — figures and the 64 KB rule as on factualminds.com “Amazon SQS Pricing: The 64 KB Rule” (2026-06-13) and cloudburn.io “Amazon SQS Pricing” (2026-03-14): $0.40 per 1M standard, $0.50 per 1M FIFO",
  },

  s3: {
    /** S3 Standard, per thousand PUT, COPY, POST and LIST requests. */
    putPerThousand: 0.005,
    /** Per thousand GET, HEAD and other requests. DELETE is free. */
    getPerThousand: 0.0004,
    source:
      "https://aws.amazon.com/s3/pricing/ — NOT confirmed by the search (it found the “per 1,000 requests” unit only): the well-known S3 Standard list prices, $0.005 per 1,000 PUT/COPY/POST/LIST, $0.0004 per 1,000 GET",
  },

  apiGateway: {
    /** HTTP API, per million requests for the first 300 million a month. */
    httpRequestPerMillion: 1,
    /** HTTP API requests are metered in 512 KB increments. */
    meteringBytes: 512 * 1024,
    source:
      "https://aws.amazon.com/api-gateway/pricing/ — figures as on apigatewaycost.com and awsforengineers.com (2025-05-19): $1.00 per 1M HTTP API requests (first 300M); 512 KB metering per the AWS whitepaper “Best practices for designing Amazon API Gateway private APIs”, Cost optimization",
  },

  cloudwatchLogs: {
    /** Standard log class ingestion, per GB (Lambda's and Step Functions' vended logs start at the same rate). */
    ingestionPerGb: 0.5,
    source:
      "https://aws.amazon.com/cloudwatch/pricing/ — figures as on c3x.dev “CloudWatch Logs cost optimization” (us-east-1, June 2026) and hykell.com: $0.50 per GB ingested",
  },
} as const;

/**
 * AWS's default quotas that bound a stack's throughput (per account and Region, us-east-1), and
 * what raises each.
 */
export const AWS_QUOTAS = {
  checkedOn: "2026-12-01",
  stepFunctions: {
    /** StartExecution token bucket of Standard workflows: 1,300 burst, 300 per second refill. */
    standardStartExecutionPerSecond: 300,
    standardStartExecutionBurst: 1_300,
    /** Standard state transitions: 5,000 burst, 1,500 per second refill. */
    standardTransitionsPerSecond: 1_500,
    /** StartExecution of Express workflows: 6,000 burst, 6,000 per second refill. */
    expressStartExecutionPerSecond: 6_000,
    source:
      "AWS Step Functions Developer Guide, “Quotas for Standard Workflows” and “Quotas for Express Workflows” (awsdocs/aws-step-functions-developer-guide: limits.md, express-limits.md); new accounts start lower",
  },
  apiGateway: {
    /** Requests per second across all APIs of the account (burst 5,000). */
    accountRequestsPerSecond: 10_000,
    source:
      "Amazon API Gateway Developer Guide, “Amazon API Gateway quotas”: 10,000 RPS per account per Region (quota L-8A5B8E43)",
  },
  lambda: {
    /** Concurrent executions across all functions of the account. */
    accountConcurrency: 1_000,
    source:
      "AWS Lambda Developer Guide, “Lambda quotas”: 1,000 concurrent executions, increasable to tens of thousands; new accounts start lower",
  },
  dynamodb: {
    /** On-demand table-level write throughput (per table, its GSIs separately). */
    tableWriteUnitsPerSecond: 40_000,
    /** What one partition of a table or index takes. */
    partitionWriteUnitsPerSecond: 1_000,
    source:
      "Amazon DynamoDB Developer Guide, “DynamoDB maximum throughput for on-demand tables”: 40,000 table-level read and write units. The 1,000 write units a second of one partition (what docs/task-state.md shards the indexes for) is the well-known figure, not confirmed by the search",
  },
} as const;

export type AwsPrices = typeof AWS_PRICES;
export type AwsQuotas = typeof AWS_QUOTAS;
