import { AWS_QUOTAS, type AwsQuotas } from "./awsPrices.js";
import type { WorkflowType } from "./costReport.js";

/** What bounds a stack's tasks per second, from its config, AWS's quotas and a measured task. */
export interface CeilingInputs {
  /** `tasklane:api.throttle.rateLimit`: requests per second of the stage's routes. */
  apiRateLimit: number;
  /** Tasks per API request (1 with `POST /tasks`, up to 100 with `POST /tasks/batch`). */
  tasksPerRequest: number;
  /** `tasklane:consumer.maximumConcurrency` and `batchSize`. */
  consumerMaximumConcurrency: number;
  consumerBatchSize: number;
  /** Mean duration of a consumer invocation, measured, in seconds. */
  consumerInvocationSeconds: number;
  /** How full the measured batches were: messages per consumer invocation. */
  consumerMessagesPerInvocation: number;
  /** The workflow the task runs on. */
  workflow: WorkflowType;
  /** Standard state transitions per task (0 on Express). */
  standardTransitionsPerTask: number;
  /** Seconds of Lambda concurrency one task holds: the sum of its invocations' durations. */
  lambdaSecondsPerTask: number;
  /** Table write units per task. */
  tableWriteUnitsPerTask: number;
  /** Write units per task of the busiest index, and how many partitions (shards) it spreads over. */
  hottestIndex: { name: string; writeUnitsPerTask: number; partitions: number } | undefined;
}

export interface Ceiling {
  /** What bounds it. */
  limit: string;
  tasksPerSecond: number;
  /** The arithmetic, with its figures. */
  basis: string;
  /** The setting or quota raise that lifts it. */
  raise: string;
  /** False when the task does not go through it (the other workflow type's StartExecution). */
  applies: boolean;
}

export interface Ceilings {
  ceilings: Ceiling[];
  /** The lowest ceiling that applies. */
  binding: Ceiling;
  /** The lowest past the API, for submissions that batch: what binds once the API does not. */
  pastApi: Ceiling;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toPrecision(3));

/**
 * Each ceiling of one task type's throughput: the API's route throttle and account quota, the
 * event source mapping (maximum concurrency × batch ÷ invocation time), Step Functions'
 * StartExecution refill of the workflow type it runs on (and Standard's transition refill),
 * Lambda's account concurrency (Little's law over the task's invocation time), and DynamoDB's
 * table and hottest index partitions. Tasks per second, the binding one named.
 */
export function throughputCeilings(
  inputs: CeilingInputs,
  quotas: AwsQuotas = AWS_QUOTAS,
): Ceilings {
  const sfn = quotas.stepFunctions;
  const standard = inputs.workflow === "STANDARD";
  const ceilings: Ceiling[] = [
    {
      limit: "API Gateway route throttle",
      tasksPerSecond: inputs.apiRateLimit * inputs.tasksPerRequest,
      basis: `api.throttle.rateLimit ${fmt(inputs.apiRateLimit)} req/s × ${inputs.tasksPerRequest} task/req`,
      raise:
        "tasklane:api.throttle.rateLimit (and burstLimit), or submit through POST /tasks/batch",
      applies: true,
    },
    {
      limit: "API Gateway account quota",
      tasksPerSecond: quotas.apiGateway.accountRequestsPerSecond * inputs.tasksPerRequest,
      basis: `${quotas.apiGateway.accountRequestsPerSecond} req/s per account × ${inputs.tasksPerRequest} task/req`,
      raise: "Service Quotas: API Gateway throttle quota per Region (L-8A5B8E43)",
      applies: true,
    },
    {
      limit: "SQS event source mapping",
      tasksPerSecond:
        (inputs.consumerMaximumConcurrency * inputs.consumerBatchSize) /
        Math.max(inputs.consumerInvocationSeconds, 1e-3),
      basis: `consumer.maximumConcurrency ${inputs.consumerMaximumConcurrency} × batchSize ${inputs.consumerBatchSize} ÷ ${fmt(inputs.consumerInvocationSeconds * 1000)} ms per invocation (measured at ${fmt(inputs.consumerMessagesPerInvocation)} messages a batch)`,
      raise: "tasklane:consumer.maximumConcurrency (up to 1,000) or tasklane:consumer.batchSize",
      applies: true,
    },
    {
      limit: "StartExecution, Standard",
      tasksPerSecond: sfn.standardStartExecutionPerSecond,
      basis: `token bucket refill ${sfn.standardStartExecutionPerSecond}/s (burst ${sfn.standardStartExecutionBurst})`,
      raise:
        "Service Quotas: Step Functions StartExecution (Standard); or run short tasks on Express",
      applies: standard,
    },
    {
      limit: "StartExecution, Express",
      tasksPerSecond: sfn.expressStartExecutionPerSecond,
      basis: `token bucket refill ${sfn.expressStartExecutionPerSecond}/s`,
      raise: "Service Quotas: Step Functions StartExecution (Express)",
      applies: !standard,
    },
    {
      limit: "State transitions, Standard",
      tasksPerSecond: standard
        ? sfn.standardTransitionsPerSecond / Math.max(inputs.standardTransitionsPerTask, 1e-9)
        : Number.POSITIVE_INFINITY,
      basis: standard
        ? `refill ${sfn.standardTransitionsPerSecond}/s ÷ ${fmt(inputs.standardTransitionsPerTask)} transitions per task`
        : "Express workflows have no transition quota",
      raise: "Service Quotas: Step Functions StateTransition; or run short tasks on Express",
      applies: standard,
    },
    {
      limit: "Lambda concurrency",
      tasksPerSecond:
        quotas.lambda.accountConcurrency / Math.max(inputs.lambdaSecondsPerTask, 1e-9),
      basis: `${quotas.lambda.accountConcurrency} concurrent ÷ ${fmt(inputs.lambdaSecondsPerTask * 1000)} ms of invocations per task`,
      raise: "Service Quotas: Lambda concurrent executions",
      applies: true,
    },
    {
      limit: "DynamoDB table writes",
      tasksPerSecond:
        quotas.dynamodb.tableWriteUnitsPerSecond / Math.max(inputs.tableWriteUnitsPerTask, 1e-9),
      basis: `${quotas.dynamodb.tableWriteUnitsPerSecond} WRU/s per on-demand table ÷ ${fmt(inputs.tableWriteUnitsPerTask)} WRU per task`,
      raise: "Service Quotas: DynamoDB table-level write throughput",
      applies: true,
    },
  ];
  if (inputs.hottestIndex && inputs.hottestIndex.writeUnitsPerTask > 0) {
    const { name, writeUnitsPerTask, partitions } = inputs.hottestIndex;
    ceilings.push({
      limit: `DynamoDB index ${name} partitions`,
      tasksPerSecond:
        (partitions * quotas.dynamodb.partitionWriteUnitsPerSecond) / writeUnitsPerTask,
      basis: `${partitions} shards × ${quotas.dynamodb.partitionWriteUnitsPerSecond} WRU/s ÷ ${fmt(writeUnitsPerTask)} WRU per task`,
      raise:
        "TASK_TABLE.listShards (packages/shared-task/src/state/taskTable.ts: a code change, not a setting)",
      applies: true,
    });
  }
  const applying = ceilings.filter((c) => c.applies);
  const lowest = (list: Ceiling[]) =>
    list.reduce((min, c) => (c.tasksPerSecond < min.tasksPerSecond ? c : min));
  return {
    ceilings,
    binding: lowest(applying),
    pastApi: lowest(applying.filter((c) => !c.limit.startsWith("API Gateway"))),
  };
}
