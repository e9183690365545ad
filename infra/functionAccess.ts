import * as pulumi from "@pulumi/pulumi";
import { S3_PREFIXES } from "@tasklane/shared-task";
import type { FunctionName, FunctionSpec } from "@tasklane/stack-config";
import type { PolicyStatement } from "./components/policyDocument.js";
import { taskIndexArn } from "./components/taskTable.js";

/**
 * The ARNs functions are granted access to. The workflow's ARNs are absent while the step
 * functions themselves are being created (the state machine needs their ARNs first).
 */
export interface AccessTargets {
  /** The tasks table; its indexes are `<tableArn>/index/<name>`. */
  tableArn: pulumi.Input<string>;
  /** The table's customer-managed KMS key, when it has one. */
  tableKeyArn?: pulumi.Input<string>;
  payloadsBucketArn: pulumi.Input<string>;
  resultsBucketArn: pulumi.Input<string>;
  queueArn: pulumi.Input<string>;
  /** The queue's customer-managed KMS key, when it has one. */
  queueKeyArn?: pulumi.Input<string>;
  /** The Standard state machine. */
  stateMachineArn?: pulumi.Input<string>;
  /** `arn:...:execution:<state machine name>:*`: the Standard state machine's executions. */
  executionsArn?: pulumi.Input<string>;
  /** The Express state machine, when the stack has one. */
  expressStateMachineArn?: pulumi.Input<string>;
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
 * reads. A reader holds it so that S3 answers a read of a missing object with 404 (`NoSuchKey`)
 * rather than 403: an input or running state past the payloads lifecycle, or a large output
 * past the results lifecycle while its record still awaits the table's TTL sweep, then reads as
 * "does not exist" instead of an access error. For that check S3 evaluates `s3:ListBucket` with
 * the requested key as `s3:prefix`, so `runs/*` covers a read of `runs/<id>/...`.
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

const { inputs, states, runs } = S3_PREFIXES;

/**
 * What each function's role may do besides writing its own logs and traces and using the tasks
 * table (which {@link tableAccess} grants from the catalog): the calls its handler makes (see
 * the handlers in apps/producer and apps/consumer), on exactly the resources and S3 prefixes
 * they touch. A function added to the catalog fails to compile until it has an entry here.
 */
export const FUNCTION_ACCESS: Record<FunctionName, (t: AccessTargets) => PolicyStatement[]> = {
  ingest: (t) => [
    // DeleteObject rolls back a large input whose task was refused: nothing refused is kept.
    objects("StoreLargeInputs", ["s3:PutObject", "s3:DeleteObject"], t.payloadsBucketArn, [inputs]),
    ...sendTasks(t),
  ],
  status: (t) => [
    objects("ReadLargeOutputs", ["s3:GetObject"], t.resultsBucketArn, [runs]),
    list("FindLargeOutputs", t.resultsBucketArn, [runs]),
  ],
  cancel: (t) => [
    // A running task's Standard execution, named from its id and generation. An Express one
    // cannot be stopped: the cancelled record makes its next step run nothing.
    {
      Sid: "StopExecutions",
      Effect: "Allow",
      Action: ["states:StopExecution"],
      Resource: [required(t, "executionsArn", "cancel")],
    },
  ],
  retry: (t) => sendTasks(t),
  "resend-unsent": (t) => sendTasks(t),
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
    {
      Sid: "StartExecutions",
      Effect: "Allow",
      Action: ["states:StartExecution"],
      Resource: [
        required(t, "stateMachineArn", "start-executions"),
        ...(t.expressStateMachineArn ? [t.expressStateMachineArn] : []),
      ],
    },
    // Standard executions only: Express has no StopExecution.
    {
      Sid: "StopCancelledExecutions",
      Effect: "Allow",
      Action: ["states:StopExecution"],
      Resource: [required(t, "executionsArn", "start-executions")],
    },
  ],
  "create-task": (t) => runningStates(t),
  "check-task-status": (t) => runningStates(t),
  "task-completed": () => [],
  "mark-failed": () => [],
};

/** What `start` and `poll` touch: large inputs and states in, states and large outputs out. */
function runningStates(t: AccessTargets): PolicyStatement[] {
  return [
    objects("ReadInputsAndStates", ["s3:GetObject"], t.payloadsBucketArn, [inputs, states]),
    objects("StoreRunningStates", ["s3:PutObject"], t.payloadsBucketArn, [states]),
    objects("StoreLargeOutputs", ["s3:PutObject"], t.resultsBucketArn, [runs]),
    list("FindInputsAndStates", t.payloadsBucketArn, [inputs, states]),
  ];
}

/**
 * The tasks-table statements of a function, from its catalog entry: exactly the item actions its
 * `table` lists, on the table; `dynamodb:Query` only on the indexes its `indexes` lists (the
 * table itself is never queried); and, when the table has a customer-managed key,
 * `kms:Decrypt` on that key. DynamoDB decrypts the table key through KMS on behalf of the
 * caller, for reads and writes alike; it generates that key itself when the table is created,
 * so no caller needs `kms:GenerateDataKey`.
 */
export function tableAccess(
  spec: Pick<FunctionSpec, "name" | "table" | "indexes">,
  t: Pick<AccessTargets, "tableArn" | "tableKeyArn">,
): PolicyStatement[] {
  const itemActions = spec.table.filter((action) => action !== "Query");
  const queries = spec.table.includes("Query");
  const indexes = spec.indexes ?? [];
  if (queries !== indexes.length > 0) {
    throw new Error(
      `function ${spec.name}: its catalog entry must list \`indexes\` exactly when its \`table\` includes Query`,
    );
  }
  const statements: PolicyStatement[] = [];
  if (itemActions.length > 0) {
    statements.push({
      Sid: "UseTaskRecords",
      Effect: "Allow",
      Action: itemActions.map((action) => `dynamodb:${action}`),
      Resource: [t.tableArn],
    });
  }
  if (queries) {
    statements.push({
      Sid: "QueryTaskIndexes",
      Effect: "Allow",
      Action: ["dynamodb:Query"],
      Resource: indexes.map((index) => taskIndexArn(t.tableArn, index)),
    });
  }
  if (t.tableKeyArn && spec.table.length > 0) {
    statements.push({
      Sid: "DecryptTaskRecords",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [t.tableKeyArn],
    });
  }
  return statements;
}

/** Every statement of a function's role besides its own logs and traces. */
export function accessOf(
  spec: Pick<FunctionSpec, "table" | "indexes"> & { name: FunctionName },
  t: AccessTargets,
): PolicyStatement[] {
  return [...tableAccess(spec, t), ...FUNCTION_ACCESS[spec.name](t)];
}
