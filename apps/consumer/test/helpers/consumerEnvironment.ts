import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { TaskEnvelope, TaskRecord, TaskStatus } from "@tasklane/shared-task";
import { FUNCTION_ENV } from "@tasklane/stack-config";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import {
  type AwsEmulators,
  captureJsonLines,
  type EmulatorOptions,
  type EventSourceQueue,
  type JsonLine,
  startAwsEmulators,
} from "@tasklane/test-support";

export const OWNER = "arn:aws:iam::123456789012:user/alice";

/** The tasks queue as the event source mapping reads it. */
export const eventSourceQueueOf = (aws: AwsEmulators): EventSourceQueue => ({
  queueUrl: aws.queueUrl,
  queueArn: aws.queueArn,
  region: aws.region,
});

/**
 * A test's fresh start against the file's emulators: empty queues and buckets, no executions,
 * and the JSON lines the handlers write collected in `lines`; return it from a `beforeEach`.
 */
export function freshStart(aws: AwsEmulators, lines: JsonLine[]): () => void {
  aws.fauxqs.reset();
  aws.stepFunctions.reset();
  return captureJsonLines(lines);
}

/** The workflows' bounds the Express tests deploy: Pulumi.dev.yaml's. */
export const WORKFLOW_BOUNDS = {
  taskRetry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10 },
  stepTimeoutSeconds: 65,
};

/**
 * fauxqs, dynalite with the tasks table, Step Functions and the environment the Pulumi program
 * gives the consumer's functions: with `express`, an Express state machine too, as
 * `tasklane:workflow.express: auto` deploys it; without, none (`off`). Import handler modules
 * only after this: they read the environment when loaded.
 */
export async function startConsumerEnvironment(
  options: EmulatorOptions & {
    metrics?: boolean;
    express?: boolean;
    /** The handlers' log level. @default "SILENT" */
    logLevel?: "DEBUG" | "INFO" | "SILENT";
  } = {},
) {
  const aws = await startAwsEmulators(options);
  Object.assign(process.env, {
    [FUNCTION_ENV.tableName]: aws.tableName,
    [FUNCTION_ENV.resultsBucket]: aws.buckets.results,
    [FUNCTION_ENV.payloadsBucket]: aws.buckets.payloads,
    [FUNCTION_ENV.stateMachineArn]: aws.stepFunctions.stateMachineArn,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: options.metrics ? "false" : "true",
  });
  if (options.express) {
    Object.assign(process.env, {
      [FUNCTION_ENV.expressStateMachineArn]: aws.stepFunctions.expressStateMachineArn,
      [FUNCTION_ENV.workflowBounds]: JSON.stringify(WORKFLOW_BOUNDS),
    });
  } else {
    // A test file run earlier in this worker may have set them.
    delete process.env[FUNCTION_ENV.expressStateMachineArn];
    delete process.env[FUNCTION_ENV.workflowBounds];
  }
  const records = new TaskRecords(tableClient(aws.dynamodb), { tableName: aws.tableName });
  return { aws, records, queue: eventSourceQueueOf(aws) };
}

/**
 * The record the producer writes for `task` (queued at generation 1), then moved to `status`
 * the way the system moves it: a claim by `runId`, its end, a cancellation; `generation` > 1
 * fails and retries it first. The envelope of a later generation is `{ ...task, generation }`.
 */
export async function recordFor(
  records: TaskRecords,
  task: TaskEnvelope,
  status: TaskStatus = "queued",
  options: { generation?: number; runId?: string } = {},
): Promise<TaskRecord> {
  const created = await records.create({
    id: task.id,
    type: task.type,
    owner: OWNER,
    input: task.input,
    fingerprint: task.fingerprint,
    correlationId: task.correlationId,
    createdAt: task.createdAt,
    ...(task.groupId ? { groupId: task.groupId } : {}),
  });
  if (!created.created) throw new Error(`task ${task.id} has a record already`);
  const actor = { caller: OWNER, operator: false };
  const runId = options.runId ?? "run-earlier";
  for (let generation = 1; generation < (options.generation ?? 1); generation++) {
    await records.cancel(task.id, actor);
    await records.retry(task.id, generation, actor);
  }
  const generation = options.generation ?? 1;
  if (status === "cancelled") await records.cancel(task.id, actor);
  if (status === "running" || status === "succeeded" || status === "failed") {
    await records.claimAttempt(task.id, generation, runId);
  }
  if (status === "succeeded") {
    await records.complete(
      task.id,
      { generation, runId },
      { output: { kind: "inline", value: {} }, polls: 0 },
    );
  }
  if (status === "failed") {
    await records.fail(
      task.id,
      { generation, runId },
      { name: "TaskPermanentError", message: "x" },
    );
  }
  const record = await records.get(task.id);
  if (record?.status !== status || record.generation !== generation) {
    throw new Error(`task ${task.id} did not reach ${status} at generation ${generation}`);
  }
  return record;
}

export async function readJsonObject(
  aws: AwsEmulators,
  bucket: string,
  key: string,
): Promise<unknown> {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? "null");
}

export async function writeJsonObject(
  aws: AwsEmulators,
  bucket: string,
  key: string,
  value: unknown,
) {
  await aws.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value) }),
  );
}

export { lambdaContext } from "@tasklane/test-support";
