import { STATE_NAMES } from "@tasklane/shared-task/basics";

/**
 * The Lambda functions Tasklane deploys: what triggers each, where its code is, and which
 * environment it reads. The bundler builds from this list, the Pulumi program provisions from it
 * and the local runtime wires it, so the three cannot disagree on a function.
 */

/** Environment variables the handlers read; the Pulumi program and the local runtime set them. */
export const FUNCTION_ENV = {
  /** Name of the tasks table: every task's record (status, generation, attempts, owner). */
  tableName: "TASKLANE_TABLE_NAME",
  /** Days a finished task's record is kept (the table's TTL); 0 keeps it. */
  resultExpirationDays: "TASKLANE_RESULT_EXPIRATION_DAYS",
  /** JSON `{ principals: string[], jwtScope?: string }`: who sees every caller's tasks. */
  operators: "TASKLANE_OPERATORS",
  /** Name of the results bucket (large outputs). */
  resultsBucket: "TASKLANE_RESULTS_BUCKET",
  /** Name of the payloads bucket (large inputs and running states). */
  payloadsBucket: "TASKLANE_PAYLOADS_BUCKET",
  /** URL of the tasks queue; a URL ending in `.fifo` makes the producer send FIFO messages. */
  queueUrl: "TASKLANE_QUEUE_URL",
  /** ARN of the Standard state machine. */
  stateMachineArn: "TASKLANE_STATE_MACHINE_ARN",
  /**
   * ARN of the Express state machine; not set when `tasklane:workflow.express` is off, and then
   * every task runs on Standard.
   */
  expressStateMachineArn: "TASKLANE_EXPRESS_STATE_MACHINE_ARN",
  /**
   * JSON of the workflows' retries and time limits (stack-config's `workflowBounds`), from which
   * the consumer tells which tasks fit Express; set with `expressStateMachineArn`.
   */
  workflowBounds: "TASKLANE_WORKFLOW_BOUNDS",
  /** Largest request body the producer accepts, in bytes. */
  maxBodyBytes: "TASKLANE_MAX_BODY_BYTES",
  /** Inputs larger than this are stored in the payloads bucket, in bytes. */
  inlineInputMaxBytes: "TASKLANE_INLINE_INPUT_MAX_BYTES",
} as const;

export type FunctionEnvKey = keyof typeof FUNCTION_ENV;

/**
 * What triggers a function, and so which stack config section sizes it: `api` (HTTP routes) and
 * `schedule` (a fixed rate) by `producer`, `queue` by `consumer`, `step` by `steps`.
 */
export type FunctionRole = "api" | "queue" | "step" | "schedule";

/**
 * The DynamoDB calls a handler makes on the tasks table, so its role is granted those and no
 * others; `Query` names the indexes it reads.
 */
export type TableAccess =
  | "GetItem"
  | "BatchGetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "Query";

export interface FunctionSpec {
  /** Short name: the bundle folder, and the last part of the physical name. */
  readonly name: string;
  readonly app: "producer" | "consumer";
  /** The handler's source, relative to the app folder; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly role: FunctionRole;
  /** HTTP API route keys this function serves (`$default` catches everything else). */
  readonly routes?: readonly string[];
  /** The workflow Task state this function implements. */
  readonly state?: string;
  /** Environment variables it needs. */
  readonly env: readonly FunctionEnvKey[];
  /** The tasks-table actions its handler calls. */
  readonly table: readonly TableAccess[];
  /** With `Query`: the indexes it reads (names of shared-task's `TASK_TABLE.indexes`). */
  readonly indexes?: readonly ("byOwner" | "byTime" | "unsent")[];
  /** With role `schedule`: how often it runs, in minutes. */
  readonly everyMinutes?: number;
}

export const FUNCTIONS = [
  {
    name: "ingest",
    app: "producer",
    entry: "src/handlers/ingest.ts",
    description: "Validates submitted tasks, stores large inputs and sends envelopes to SQS.",
    role: "api",
    routes: ["POST /tasks", "POST /tasks/batch"],
    env: ["tableName", "payloadsBucket", "queueUrl", "maxBodyBytes", "inlineInputMaxBytes"],
    table: ["PutItem", "GetItem", "UpdateItem", "DeleteItem"],
  },
  {
    name: "status",
    app: "producer",
    entry: "src/handlers/status.ts",
    description: "Answers a task's status and output, and lists recent tasks.",
    role: "api",
    routes: ["GET /tasks", "GET /tasks/{id}"],
    env: ["tableName", "resultsBucket", "operators"],
    table: ["GetItem", "Query", "BatchGetItem"],
    indexes: ["byOwner", "byTime"],
  },
  {
    name: "cancel",
    app: "producer",
    entry: "src/handlers/cancel.ts",
    description: "Cancels a queued task, or stops a running one.",
    role: "api",
    routes: ["DELETE /tasks/{id}"],
    env: ["tableName", "stateMachineArn", "operators", "resultExpirationDays"],
    table: ["UpdateItem", "GetItem"],
  },
  {
    name: "retry",
    app: "producer",
    entry: "src/handlers/retry.ts",
    description: "Runs a failed or cancelled task again as a new generation.",
    role: "api",
    routes: ["POST /tasks/{id}/retry"],
    env: ["tableName", "queueUrl", "operators"],
    table: ["UpdateItem", "GetItem"],
  },
  {
    name: "resend-unsent",
    app: "producer",
    entry: "src/handlers/resendUnsent.ts",
    description:
      "Every minute: sends again the envelope of any task whose sender stopped between writing its record and hearing from SQS.",
    role: "schedule",
    everyMinutes: 1,
    env: ["tableName", "queueUrl"],
    table: ["Query", "BatchGetItem", "UpdateItem"],
    indexes: ["unsent"],
  },
  {
    name: "catalog",
    app: "producer",
    entry: "src/handlers/catalog.ts",
    description:
      "Lists the task types with their input and output JSON Schemas; answers unknown routes.",
    role: "api",
    routes: ["GET /task-types", "$default"],
    env: [],
    table: [],
  },
  {
    name: "start-executions",
    app: "consumer",
    entry: "src/handlers/startExecutions.ts",
    description:
      "Reads task envelopes from SQS and starts one execution per task generation, on Express for tasks that fit it.",
    role: "queue",
    env: ["tableName", "stateMachineArn", "expressStateMachineArn", "workflowBounds"],
    table: ["GetItem"],
  },
  {
    name: "create-task",
    app: "consumer",
    entry: "src/handlers/createTask.ts",
    description:
      "Workflow step CreateTask: claims and counts the attempt in the task's record and calls the task's start.",
    role: "step",
    state: STATE_NAMES.createTask,
    env: ["tableName", "resultsBucket", "payloadsBucket"],
    table: ["UpdateItem", "GetItem"],
  },
  {
    name: "check-task-status",
    app: "consumer",
    entry: "src/handlers/checkTaskStatus.ts",
    description: "Workflow step CheckTaskStatus: calls the task's poll.",
    role: "step",
    state: STATE_NAMES.checkTaskStatus,
    env: ["tableName", "resultsBucket", "payloadsBucket"],
    table: ["GetItem"],
  },
  {
    name: "task-completed",
    app: "consumer",
    entry: "src/handlers/taskCompleted.ts",
    description: "Workflow step TaskCompleted: records the success in the task's record.",
    role: "step",
    state: STATE_NAMES.taskCompleted,
    env: ["tableName", "resultExpirationDays"],
    table: ["UpdateItem", "GetItem"],
  },
  {
    name: "mark-failed",
    app: "consumer",
    entry: "src/handlers/markFailed.ts",
    description: "Workflow step MarkFailed: records the failure in the task's record.",
    role: "step",
    state: STATE_NAMES.markFailed,
    env: ["tableName", "resultExpirationDays"],
    table: ["UpdateItem", "GetItem"],
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof FUNCTIONS)[number]["name"];

/** Functions of one app, in catalog order. */
export function functionsOf(app: FunctionSpec["app"]): FunctionSpec[] {
  return FUNCTIONS.filter((f) => f.app === app);
}

/** A function by name. */
export function functionNamed(name: FunctionName): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new Error(`no function named ${name}`);
  return spec;
}

/** Where the bundler writes a function's artifact, relative to the repository root. */
export function bundlePaths(spec: Pick<FunctionSpec, "app" | "name">) {
  const dist = `apps/${spec.app}/dist`;
  return {
    /** The folder Lambda unpacks: `index.mjs`, its chunks (`chunks/`), and their source maps. */
    dir: `${dist}/${spec.name}`,
    /** The deterministic zip that is deployed and promoted. */
    zip: `${dist}/${spec.name}.zip`,
    /** The app's manifest: every bundle's sha256 and size. */
    manifest: `${dist}/bundles.json`,
  };
}

/**
 * The environment `pnpm promote` gives the Pulumi program (infra/release.ts reads it):
 * `TASKLANE_RELEASE_COMMIT`, the commit to record instead of `git rev-parse HEAD` (CI may deploy
 * a checkout without `.git`); `TASKLANE_EXPECTED_BUNDLES`, a JSON object of function name to
 * sha256 that the bundles must match, or nothing is deployed.
 */
export const RELEASE_COMMIT_ENV = "TASKLANE_RELEASE_COMMIT";
export const EXPECTED_BUNDLES_ENV = "TASKLANE_EXPECTED_BUNDLES";

/** The Lambda handler setting of every bundle. */
export const LAMBDA_HANDLER = "index.handler";
