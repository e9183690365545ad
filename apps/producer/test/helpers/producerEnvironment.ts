import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  type Payload,
  type TaskRecord,
  type TaskStatus,
} from "@tasklane/shared-task";
import { FUNCTION_ENV, type OperatorGrant } from "@tasklane/stack-config";
import { TaskPayloads, TaskRecords, tableClient } from "@tasklane/task-store";
import { S3BlobStore } from "@tasklane/task-store/s3";
import { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "@tasklane/test-support";

/** The IAM role the test stack names in its operator grant, and the JWT scope it grants. */
export const OPERATOR_ROLE = "arn:aws:iam::123456789012:role/TasklaneOperator";
export const OPERATOR_ARN = "arn:aws:sts::123456789012:assumed-role/TasklaneOperator/ops-1";
export const OPERATOR_SCOPE = "tasklane/operator";

/**
 * fauxqs with the queue and buckets, dynalite with the tasks table, Step Functions, and the
 * environment the Pulumi program gives the producer's functions. Import handler modules only
 * after this: they read the environment when loaded.
 */
export async function startProducerEnvironment(
  options: EmulatorOptions & {
    maxBodyBytes?: number;
    inlineInputMaxBytes?: number;
    operators?: OperatorGrant;
    /** Publish metrics (EMF lines on stdout) instead of dropping them. */
    metrics?: boolean;
    /** The handlers' log level. @default "SILENT" */
    logLevel?: "DEBUG" | "INFO" | "SILENT";
  } = {},
) {
  const aws = await startAwsEmulators(options);
  const operators = options.operators ?? { principals: [OPERATOR_ROLE], jwtScope: OPERATOR_SCOPE };
  Object.assign(process.env, {
    [FUNCTION_ENV.tableName]: aws.tableName,
    [FUNCTION_ENV.operators]: JSON.stringify(operators),
    [FUNCTION_ENV.resultsBucket]: aws.buckets.results,
    [FUNCTION_ENV.payloadsBucket]: aws.buckets.payloads,
    [FUNCTION_ENV.queueUrl]: aws.queueUrl,
    [FUNCTION_ENV.stateMachineArn]: aws.stepFunctions.stateMachineArn,
    [FUNCTION_ENV.maxBodyBytes]: String(options.maxBodyBytes ?? 1_048_576),
    [FUNCTION_ENV.inlineInputMaxBytes]: String(options.inlineInputMaxBytes ?? 65_536),
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: options.metrics ? "false" : "true",
  });
  return aws;
}

/** The DynamoDB calls that write. */
export const WRITE_COMMANDS = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];

/**
 * `TaskRecords` over a client of its own that notes every DynamoDB call it makes (`PutItem`,
 * `GetItem`, ...) and fails the calls a test arms: before the call reaches dynalite, or after
 * it applied (the answer lost on its way back).
 */
export function watchedRecords(aws: AwsEmulators, options: { now?: () => Date } = {}) {
  const db = tableClient();
  const calls: string[] = [];
  const faults: { command: string; error: () => Error; afterApplying: boolean }[] = [];
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, "");
      calls.push(command);
      const at = faults.findIndex((f) => f.command === command);
      const fault = at >= 0 ? faults.splice(at, 1)[0] : undefined;
      if (fault && !fault.afterApplying) throw fault.error();
      const result = await next(args);
      if (fault) throw fault.error();
      return result;
    },
    { step: "initialize", name: "watchTable" },
  );
  return {
    records: new TaskRecords(db, { tableName: aws.tableName, ...options }),
    calls,
    writes: () => calls.filter((c) => WRITE_COMMANDS.includes(c)),
    failNext(command: string, error: () => Error, afterApplying = false) {
      faults.push({ command, error, afterApplying });
    },
    destroy: () => db.destroy(),
  };
}

/** What the SDK throws when DynamoDB throttles a call, once its own retries are spent. */
export const throttled = () =>
  Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
    name: "ThrottlingException",
    $fault: "client",
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400 },
  });

/** The tasks table and the buckets as the handlers see them, for a test's own reads and writes. */
export function storesOf(aws: AwsEmulators, options: { now?: () => Date } = {}) {
  return {
    records: new TaskRecords(tableClient(aws.dynamodb), { tableName: aws.tableName, ...options }),
    payloads: new TaskPayloads(new S3BlobStore(aws.s3), aws.buckets),
  };
}

/** How many messages the tasks queue holds, visible or not. */
export async function queueDepth(aws: AwsEmulators): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Receives (and so hides) up to ten messages, returning their parsed bodies and attributes. */
export async function receiveAll(aws: AwsEmulators, queueUrl = aws.queueUrl) {
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return (out.Messages ?? []).map((m) => ({
    body: JSON.parse(m.Body ?? "null"),
    attributes: m.Attributes ?? {},
  }));
}

/** Every message in the queue (received, so hidden), however many batches it takes. */
export async function drainQueue(aws: AwsEmulators, queueUrl = aws.queueUrl) {
  const all: Awaited<ReturnType<typeof receiveAll>> = [];
  for (;;) {
    const batch = await receiveAll(aws, queueUrl);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Every key in a bucket. */
export async function keysIn(aws: AwsEmulators, bucket: string): Promise<string[]> {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? "");
}

/**
 * An SQS client whose every `SendMessageBatch` entry comes back `Failed` (nothing is sent), as
 * SQS answers entries it refuses; other calls go to fauxqs. `calls` counts the refused batches.
 */
export function refusingSqs(options: { code?: string; senderFault?: boolean } = {}) {
  const sqs = new SQSClient({});
  const calls = { batches: 0 };
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "SendMessageBatchCommand") return next(args);
      calls.batches += 1;
      const entries = (args.input as { Entries?: { Id?: string }[] }).Entries ?? [];
      const output = {
        $metadata: {},
        Successful: [],
        Failed: entries.map((entry) => ({
          Id: entry.Id,
          SenderFault: options.senderFault ?? false,
          Code: options.code ?? "InternalError",
          Message: "refused by the test",
        })),
      };
      return { output, response: {} } as never;
    },
    { step: "initialize", name: "refuseSends" },
  );
  return { sqs, calls };
}

/**
 * A task of `owner` written straight to the table and moved to `status` the way the system
 * moves it (sent; claimed by an execution; its end; or cancelled), for tests of what the API
 * does with tasks in each state.
 */
export async function seedTask(
  records: TaskRecords,
  options: {
    owner: string;
    status: TaskStatus;
    type?: string;
    input?: JsonValue;
    output?: Payload;
    createdAt?: string;
  },
): Promise<TaskRecord> {
  const type = options.type ?? "echo";
  const input = options.input ?? { n: 1 };
  const created = await records.create({
    id: newTaskId(),
    type,
    owner: options.owner,
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type, input }),
    correlationId: "req-seed",
    createdAt: options.createdAt ?? new Date().toISOString(),
  });
  if (!created.created) throw new Error("a new task id was taken");
  const { id } = created.record;
  await records.markSent(created.record);
  const run = { generation: 1, runId: "run-seed" };
  if (options.status === "cancelled") {
    await records.cancel(id, { caller: options.owner, operator: false });
  }
  if (["running", "succeeded", "failed"].includes(options.status)) {
    await records.claimAttempt(id, 1, run.runId);
  }
  if (options.status === "succeeded") {
    const output = options.output ?? { kind: "inline", value: input };
    await records.complete(id, run, { output, polls: 0 });
  }
  if (options.status === "failed") {
    await records.fail(id, run, { name: "TaskPermanentError", message: "bad data" });
  }
  const record = await records.get(id);
  if (record?.status !== options.status) throw new Error(`task ${id} is not ${options.status}`);
  return record;
}
