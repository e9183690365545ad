import * as pulumi from "@pulumi/pulumi";
import { S3_PREFIXES } from "@tasklane/shared-task";
import type { FunctionName } from "@tasklane/stack-config";
import type { PolicyStatement } from "./components/policyDocument.js";

/**
 * The ARNs functions are granted access to. The workflow's ARNs are absent while the step
 * functions themselves are being created (the state machine needs their ARNs first).
 */
export interface AccessTargets {
  payloadsBucketArn: pulumi.Input<string>;
  resultsBucketArn: pulumi.Input<string>;
  queueArn: pulumi.Input<string>;
  /** The queue's customer-managed KMS key, when it has one. */
  queueKeyArn?: pulumi.Input<string>;
  stateMachineArn?: pulumi.Input<string>;
  /** `arn:...:execution:<state machine name>:*` */
  executionsArn?: pulumi.Input<string>;
}

type Prefix = (typeof S3_PREFIXES)[keyof typeof S3_PREFIXES];

/** Object actions on some prefixes of one bucket. */
function objects(
  Sid: string,
  Action: string[],
  bucketArn: pulumi.Input<string>,
  prefixes: Prefix[],
): PolicyStatement {
  return {
    Sid,
    Effect: "Allow",
    Action,
    Resource: prefixes.map((prefix) => pulumi.interpolate`${bucketArn}/${prefix}*`),
  };
}

/**
 * `s3:ListBucket` on a bucket, limited by an `s3:prefix` condition to the prefixes the function
 * lists or reads. A function holds it so that S3 answers a read of a missing object with 404
 * (`NoSuchKey`) rather than 403: a missing attempt ledger, result or cancellation marker is
 * normal, and the handlers treat `NoSuchKey` as "not there yet". For that not-found check S3
 * evaluates `s3:ListBucket` with the requested key as `s3:prefix`, so `runs/*` covers a read of
 * `runs/<id>/...`; only `status` lists keys (`created/`, the creation-time index).
 */
function list(Sid: string, bucketArn: pulumi.Input<string>, prefixes: Prefix[]): PolicyStatement {
  return {
    Sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [bucketArn],
    Condition: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}*`) } },
  };
}

function required(
  targets: AccessTargets,
  key: "stateMachineArn" | "executionsArn",
  fn: FunctionName,
): pulumi.Input<string> {
  const value = targets[key];
  if (value === undefined) throw new Error(`function ${fn} needs ${key}, which is not known yet`);
  return value;
}

const sendTasks = (t: AccessTargets): PolicyStatement[] => [
  { Sid: "SendTasks", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [t.queueArn] },
  ...(t.queueKeyArn
    ? [
        {
          Sid: "EncryptTasks",
          Effect: "Allow" as const,
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: [t.queueKeyArn],
        },
      ]
    : []),
];

const { taskRecords, createdIndex, inputs, states, runs } = S3_PREFIXES;

/**
 * What each function's role may do besides writing its own logs and traces: the calls its
 * handler makes (see the handlers in apps/producer and apps/consumer), on exactly the
 * resources and S3 prefixes they touch. A function added to the catalog fails to compile
 * until it has an entry here.
 */
export const FUNCTION_ACCESS: Record<FunctionName, (t: AccessTargets) => PolicyStatement[]> = {
  ingest: (t) => [
    // DeleteObject rolls back what a submission wrote (record, index entry, large input) when
    // its envelope could not be queued: nothing refused is left behind.
    objects(
      "ReadWriteTaskRecords",
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      t.resultsBucketArn,
      [taskRecords],
    ),
    objects("IndexCreatedTasks", ["s3:PutObject", "s3:DeleteObject"], t.resultsBucketArn, [
      createdIndex,
    ]),
    objects("StoreLargeInputs", ["s3:PutObject", "s3:DeleteObject"], t.payloadsBucketArn, [inputs]),
    list("FindTaskRecords", t.resultsBucketArn, [taskRecords]),
    ...sendTasks(t),
  ],
  status: (t) => [
    objects("ReadTasksAndRuns", ["s3:GetObject"], t.resultsBucketArn, [taskRecords, runs]),
    list("ListTasksAndRuns", t.resultsBucketArn, [taskRecords, runs, createdIndex]),
    {
      Sid: "DescribeExecutions",
      Effect: "Allow",
      Action: ["states:DescribeExecution"],
      Resource: [required(t, "executionsArn", "status")],
    },
  ],
  cancel: (t) => [
    objects("ReadTasksAndRuns", ["s3:GetObject"], t.resultsBucketArn, [taskRecords, runs]),
    objects("WriteCancellations", ["s3:PutObject"], t.resultsBucketArn, [runs]),
    list("FindTasksAndRuns", t.resultsBucketArn, [taskRecords, runs]),
    {
      Sid: "StopExecutions",
      Effect: "Allow",
      Action: ["states:DescribeExecution", "states:StopExecution"],
      Resource: [required(t, "executionsArn", "cancel")],
    },
  ],
  retry: (t) => [
    objects("ReadTasksAndRuns", ["s3:GetObject"], t.resultsBucketArn, [taskRecords, runs]),
    objects("WriteTaskRecords", ["s3:PutObject"], t.resultsBucketArn, [taskRecords]),
    list("FindTasksAndRuns", t.resultsBucketArn, [taskRecords, runs]),
    {
      Sid: "DescribeExecutions",
      Effect: "Allow",
      Action: ["states:DescribeExecution"],
      Resource: [required(t, "executionsArn", "retry")],
    },
    ...sendTasks(t),
  ],
  catalog: () => [],
  "start-executions": (t) => [
    // What the event source mapping does with the function's role.
    {
      Sid: "ReceiveTasks",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      Resource: [t.queueArn],
    },
    ...(t.queueKeyArn
      ? [
          {
            Sid: "DecryptTasks",
            Effect: "Allow" as const,
            Action: ["kms:Decrypt"],
            Resource: [t.queueKeyArn],
          },
        ]
      : []),
    objects("ReadCancellations", ["s3:GetObject"], t.resultsBucketArn, [runs]),
    list("FindCancellations", t.resultsBucketArn, [runs]),
    {
      Sid: "StartExecutions",
      Effect: "Allow",
      Action: ["states:StartExecution"],
      Resource: [required(t, "stateMachineArn", "start-executions")],
    },
    {
      Sid: "StopCancelledExecutions",
      Effect: "Allow",
      Action: ["states:StopExecution"],
      Resource: [required(t, "executionsArn", "start-executions")],
    },
  ],
  "create-task": (t) => [
    // The attempt ledger, and outputs too large to travel inline.
    objects("ReadWriteRuns", ["s3:GetObject", "s3:PutObject"], t.resultsBucketArn, [runs]),
    objects("ReadLargeInputs", ["s3:GetObject"], t.payloadsBucketArn, [inputs]),
    objects("StoreRunningStates", ["s3:PutObject"], t.payloadsBucketArn, [states]),
    list("FindRuns", t.resultsBucketArn, [runs]),
    list("FindLargeInputs", t.payloadsBucketArn, [inputs]),
  ],
  "check-task-status": (t) => [
    objects("ReadWriteRunningStates", ["s3:GetObject", "s3:PutObject"], t.payloadsBucketArn, [
      states,
    ]),
    objects("StoreOutputs", ["s3:PutObject"], t.resultsBucketArn, [runs]),
    list("FindRunningStates", t.payloadsBucketArn, [states]),
  ],
  "task-completed": (t) => [objects("WriteResults", ["s3:PutObject"], t.resultsBucketArn, [runs])],
  "mark-failed": (t) => [
    // Reads the attempt ledger, writes the failure record.
    objects("ReadLedgersWriteFailures", ["s3:GetObject", "s3:PutObject"], t.resultsBucketArn, [
      runs,
    ]),
    list("FindRuns", t.resultsBucketArn, [runs]),
  ],
};
