import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createTaskTable, startDynalite } from "@tasklane/emulators";
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from "fauxqs";
import { type StepFunctionsRecorder, startStepFunctionsRecorder } from "./stepFunctionsRecorder.js";

export interface EmulatorOptions {
  /** Prefix of every queue, bucket and table name. */
  prefix?: string;
  fifo?: boolean;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
}

export interface AwsEmulators {
  fauxqs: FauxqsServer;
  region: string;
  s3: S3Client;
  sqs: SQSClient;
  buckets: { payloads: string; results: string };
  /** A client of dynalite, where the tasks table is. */
  dynamodb: DynamoDBClient;
  /** The tasks table, created from shared-task's `taskTableDefinition`: `<prefix>-tasks`. */
  tableName: string;
  /** What `AWS_ENDPOINT_URL_DYNAMODB` points at. */
  dynamodbUrl: string;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  /** Step Functions for `@aws-sdk/client-sfn`: records executions, runs no workflow. */
  stepFunctions: StepFunctionsRecorder;
  /** Stops fauxqs, dynalite and Step Functions and restores DNS and the environment. */
  stop(): Promise<void>;
}

const ENV_KEYS = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_SFN",
  "AWS_ENDPOINT_URL_DYNAMODB",
] as const;

/**
 * Starts an in-process fauxqs with a tasks queue redriving to a DLQ and the two buckets, dynalite
 * with the tasks table, and a Step Functions endpoint, and points the AWS SDK at them the way the
 * local runtime does: through the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables, with
 * `*.localhost` resolved to 127.0.0.1 so S3 works in virtual-hosted style. Handlers under test
 * therefore build their clients exactly as on AWS, and none of them can reach a real AWS
 * endpoint by mistake.
 */
export async function startAwsEmulators(options: EmulatorOptions = {}): Promise<AwsEmulators> {
  const prefix = options.prefix ?? "tasklane-test";
  const region = "us-east-1";
  const fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: region });
  const stepFunctions = await startStepFunctionsRecorder();
  const dynalite = await startDynalite();
  const restoreDns = interceptLocalhostDns();
  const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_S3: `http://s3.localhost:${fauxqs.port}`,
    AWS_ENDPOINT_URL_SQS: `http://sqs.${region}.localhost:${fauxqs.port}`,
    AWS_ENDPOINT_URL_SFN: stepFunctions.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.url,
  });

  const suffix = options.fifo ? ".fifo" : "";
  const fifoAttributes: Record<string, string> = options.fifo ? { FifoQueue: "true" } : {};
  const dlq = fauxqs.createQueue(`${prefix}-dlq${suffix}`, {
    attributes: { ...fifoAttributes, MessageRetentionPeriod: "1209600" },
  });
  const queue = fauxqs.createQueue(`${prefix}-tasks${suffix}`, {
    attributes: {
      ...fifoAttributes,
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: String(options.maxReceiveCount ?? 5),
      }),
    },
  });
  const buckets = { payloads: `${prefix}-payloads`, results: `${prefix}-results` };
  fauxqs.createBucket(buckets.payloads);
  fauxqs.createBucket(buckets.results);

  const s3 = new S3Client({});
  const sqs = new SQSClient({});
  const dynamodb = new DynamoDBClient({});
  const tableName = `${prefix}-tasks`;
  await createTaskTable(dynamodb, tableName);
  return {
    fauxqs,
    region,
    s3,
    sqs,
    buckets,
    dynamodb,
    tableName,
    dynamodbUrl: dynalite.url,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    dlqUrl: dlq.queueUrl,
    stepFunctions,
    async stop() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
      await Promise.all([fauxqs.stop(), stepFunctions.stop(), dynalite.stop()]);
      restoreDns();
      for (const [key, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
