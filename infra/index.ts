import { fileURLToPath } from "node:url";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { STATE_NAMES } from "@tasklane/shared-task";
import {
  FUNCTION_ENV,
  FUNCTIONS,
  type FunctionEnvKey,
  functionSizing,
  queueVisibilityTimeoutSeconds,
  type StackRef,
  stackConfigWarnings,
  workflowBounds,
} from "@tasklane/stack-config";
import { TaskAlarms } from "./components/taskAlarms.js";
import { type ApiRouteTarget, TaskApi } from "./components/taskApi.js";
import { TaskFunction } from "./components/taskFunction.js";
import { TaskQueue } from "./components/taskQueue.js";
import { TaskSchedule } from "./components/taskSchedule.js";
import { TaskStorage } from "./components/taskStorage.js";
import { TaskTable } from "./components/taskTable.js";
import { TaskWorkflow, type WorkflowSteps } from "./components/taskWorkflow.js";
import { type AccessTargets, accessOf } from "./functionAccess.js";
import { readRelease } from "./release.js";
import { loadStackConfig } from "./stackConfig.js";
import { assertWorkspaceBuilt } from "./workspaceBuild.js";

// The workspace packages this program runs, current with their source; the stack's config,
// validated before anything is planned; then the artifacts to deploy.
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
assertWorkspaceBuilt(repoRoot);
const config = loadStackConfig();
const ref: StackRef = { project: pulumi.getProject(), stack: pulumi.getStack() };
for (const warning of stackConfigWarnings(config, ref)) pulumi.log.warn(warning);
const region = new pulumi.Config("aws").require("region");
const artifacts = readRelease(repoRoot, FUNCTIONS);

// Every resource is created through this provider, so every taggable one carries these tags.
const provider = new aws.Provider("aws", {
  region,
  defaultTags: { tags: { app: ref.project, stack: ref.stack, owner: config.owner } },
});
const withProvider: pulumi.ComponentResourceOptions = { providers: [provider] };

const table = new TaskTable("table", { ref, ...config.table }, withProvider);
const storage = new TaskStorage("storage", { ref, ...config.storage }, withProvider);

const queue = new TaskQueue(
  "tasks",
  {
    ref,
    fifo: config.queue.fifo,
    maxReceiveCount: config.queue.maxReceiveCount,
    retentionSeconds: config.queue.retentionSeconds,
    dlqRetentionSeconds: config.queue.dlqRetentionSeconds,
    maxMessageBytes: config.queue.maxMessageBytes,
    visibilityTimeoutSeconds: queueVisibilityTimeoutSeconds(config),
    kms: config.queue.kms,
  },
  withProvider,
);

const targets: AccessTargets = {
  tableArn: table.table.arn,
  ...(table.key ? { tableKeyArn: table.key.arn } : {}),
  payloadsBucketArn: storage.payloads.arn,
  resultsBucketArn: storage.results.arn,
  queueArn: queue.queue.arn,
  ...(queue.key ? { queueKeyArn: queue.key.arn } : {}),
};
/** Each variable's value; `null` for one this stack leaves unset (no Express workflow). */
const environment: Partial<Record<FunctionEnvKey, pulumi.Input<string> | null>> = {
  tableName: table.table.name,
  resultExpirationDays: String(config.storage.resultExpirationDays),
  operators: JSON.stringify(config.api.operators),
  resultsBucket: storage.results.bucket,
  payloadsBucket: storage.payloads.bucket,
  queueUrl: queue.queue.url,
  maxBodyBytes: String(config.producer.maxBodyBytes),
  inlineInputMaxBytes: String(config.producer.inlineInputMaxBytes),
};

/** One catalog function: its bundle, sizing, environment and access. */
function createFunction(spec: (typeof FUNCTIONS)[number]): TaskFunction {
  const bundle = artifacts.bundles[spec.name];
  if (!bundle) throw new Error(`no bundle for function ${spec.name}`);
  const variables = Object.fromEntries(
    spec.env.flatMap((key) => {
      const value = environment[key];
      if (value === undefined) throw new Error(`function ${spec.name} needs ${key} too early`);
      return value === null ? [] : [[FUNCTION_ENV[key], value]];
    }),
  );
  // Node reads the bundle's source map at every cold start, so only when the stack asks.
  if (config.lambda.sourceMaps) variables.NODE_OPTIONS = "--enable-source-maps";
  return new TaskFunction(
    camelCase(spec.name),
    {
      ref,
      functionName: spec.name,
      description: spec.description,
      code: bundle,
      ...functionSizing(config, spec.role),
      runtime: config.lambda.runtime,
      architecture: config.lambda.architecture,
      tracing: config.lambda.tracing,
      logRetentionDays: config.logs.retentionDays,
      logLevel: config.logs.level,
      systemLogLevel: config.logs.systemLevel,
      environment: variables,
      statements: accessOf(spec, targets),
    },
    withProvider,
  );
}

// The step functions first: the state machine's definition needs their ARNs.
const functions = new Map<string, TaskFunction>();
for (const spec of FUNCTIONS.filter((f) => f.role === "step")) {
  functions.set(spec.name, createFunction(spec));
}
const stepFunction = (state: string) => {
  const spec = FUNCTIONS.find((f) => f.role === "step" && "state" in f && f.state === state);
  const fn = spec && functions.get(spec.name);
  if (!fn) throw new Error(`the function catalog has no step function for state ${state}`);
  return fn.function;
};
const steps: WorkflowSteps = {
  createTask: stepFunction(STATE_NAMES.createTask),
  checkTaskStatus: stepFunction(STATE_NAMES.checkTaskStatus),
  taskCompleted: stepFunction(STATE_NAMES.taskCompleted),
  markFailed: stepFunction(STATE_NAMES.markFailed),
};

const workflow = new TaskWorkflow(
  "workflow",
  {
    ref,
    steps,
    ...workflowBounds(config),
    express: config.workflow.express === "auto",
    logLevel: config.workflow.logLevel,
    includeExecutionData: config.workflow.includeExecutionData,
    logRetentionDays: config.logs.retentionDays,
    tracing: config.lambda.tracing,
  },
  withProvider,
);
targets.stateMachineArn = workflow.stateMachine.arn;
targets.executionsArn = workflow.executionsArn;
if (workflow.expressStateMachine) targets.expressStateMachineArn = workflow.expressStateMachine.arn;
environment.stateMachineArn = workflow.stateMachine.arn;
// The consumer decides each task's workflow from the bounds both were built with.
environment.expressStateMachineArn = workflow.expressStateMachine?.arn ?? null;
environment.workflowBounds = workflow.expressStateMachine
  ? JSON.stringify(workflowBounds(config))
  : null;

// Then the queue consumer and the API handlers, which name the state machine.
for (const spec of FUNCTIONS.filter((f) => f.role !== "step")) {
  functions.set(spec.name, createFunction(spec));
}

for (const spec of FUNCTIONS.filter((f) => f.role === "queue")) {
  const consumer = functions.get(spec.name) as TaskFunction;
  queue.subscribe(
    camelCase(spec.name),
    consumer.function,
    {
      batchSize: config.consumer.batchSize,
      batchingWindowSeconds: config.consumer.batchingWindowSeconds,
      maximumConcurrency: config.consumer.maximumConcurrency,
    },
    // AWS checks the role's SQS permissions when it creates the mapping.
    { dependsOn: [consumer.policy] },
  );
}

for (const spec of FUNCTIONS) {
  if (!("everyMinutes" in spec)) continue;
  new TaskSchedule(
    `${camelCase(spec.name)}Schedule`,
    {
      ref,
      functionName: spec.name,
      function: (functions.get(spec.name) as TaskFunction).function,
      everyMinutes: spec.everyMinutes,
    },
    withProvider,
  );
}

const routes: ApiRouteTarget[] = FUNCTIONS.flatMap((spec) =>
  ("routes" in spec ? spec.routes : []).map((routeKey) => ({
    routeKey,
    handler: spec.name,
    function: (functions.get(spec.name) as TaskFunction).function,
  })),
);
const api = new TaskApi(
  "api",
  {
    ref,
    routes,
    auth: config.api.auth,
    ...(config.api.jwt ? { jwt: config.api.jwt } : {}),
    throttle: config.api.throttle,
    corsOrigins: config.api.cors.allowOrigins,
    logRetentionDays: config.logs.retentionDays,
  },
  withProvider,
);

const alarms = new TaskAlarms(
  "alarms",
  {
    ref,
    region,
    queueName: queue.queue.name,
    deadLetterQueueName: queue.deadLetterQueue.name,
    stateMachineArn: workflow.stateMachine.arn,
    ...(workflow.expressStateMachine
      ? { expressStateMachineArn: workflow.expressStateMachine.arn }
      : {}),
    functions: Object.fromEntries([...functions].map(([name, fn]) => [name, fn.function.name])),
    workflowSteps: FUNCTIONS.filter((f) => f.role === "step").map((f) => f.name),
    apiId: api.api.id,
    table: {
      name: table.table.name,
      operations: [...new Set(FUNCTIONS.flatMap((f): readonly string[] => f.table))],
    },
    oldestMessageAgeSeconds: config.alarms.oldestMessageAgeSeconds,
    ...(config.alarms.email ? { email: config.alarms.email } : {}),
    ...(config.alarms.topicArn ? { topicArn: config.alarms.topicArn } : {}),
  },
  withProvider,
);

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

// The stack outputs, all here.
export const apiUrl = api.url;
/** Grant callers `execute-api:Invoke` on `${apiExecutionArn}/*` (or narrower routes). */
export const apiExecutionArn = api.api.executionArn;
export const tableName = table.table.name;
export const tableArn = table.table.arn;
export const queueUrl = queue.queue.url;
export const queueArn = queue.queue.arn;
export const deadLetterQueueUrl = queue.deadLetterQueue.url;
export const deadLetterQueueArn = queue.deadLetterQueue.arn;
export const stateMachineArn = workflow.stateMachine.arn;
/** The Express state machine; undefined when `tasklane:workflow.express` is off. */
export const expressStateMachineArn = workflow.expressStateMachine?.arn;
export const payloadsBucket = storage.payloads.bucket;
export const resultsBucket = storage.results.bucket;
export const functionNames = Object.fromEntries(
  [...functions].map(([name, fn]) => [name, fn.function.name]),
);
export const alarmTopicArn = alarms.topicArn;
export const dashboardName = alarms.dashboard.dashboardName;
/** What this deployment runs: each bundle's sha256 (compare with `pnpm build`) and the commit. */
export const release = {
  commit: artifacts.commit,
  dirty: artifacts.dirty,
  bundles: Object.fromEntries(
    Object.entries(artifacts.bundles).map(([name, bundle]) => [name, bundle.sha256]),
  ),
};
