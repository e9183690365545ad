import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startConsoleServer } from "@tasklane/console";
import { type StepFunctionsEndpoint, startStepFunctionsEndpoint } from "@tasklane/emulators";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import {
  buildWorkflows,
  STATE_NAMES,
  type WorkflowDefinition,
  type Workflows,
} from "@tasklane/shared-task";
import {
  FUNCTIONS,
  type FunctionSpec,
  functionSizing,
  readStackConfigFile,
  type StackConfig,
  type StackRef,
  workflowBounds,
} from "@tasklane/stack-config";
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from "fauxqs";
import {
  DEFAULT_REGION,
  DEFAULT_STACK,
  LOCAL_ACCOUNT_ID,
  LOCAL_CALLER_ARN,
  PROJECT,
} from "./constants.js";
import {
  type EventSourceMapping,
  startEventSourceMapping,
} from "./emulators/eventSourceMapping.js";
import {
  createLocalResources,
  eventRuleArn,
  lambdaArn,
  localFunctionName,
  localResourceNames,
  localScheduleRuleName,
  stateMachineArn as stateMachineArnFor,
} from "./emulators/localResources.js";
import { LocalStepFunctions, type TimingOverrides } from "./emulators/localStepFunctions.js";
import { startLocalTable } from "./emulators/localTable.js";
import { type Schedules, startSchedules } from "./emulators/schedules.js";
import type { LambdaInvocationError } from "./errors.js";
import type { LocalAuthorizer } from "./http/callerIdentity.js";
import { type HttpApi, startHttpApi } from "./http/httpApi.js";
import {
  applyEnvironment,
  type HandlerLogLevel,
  handlerEnvironment,
} from "./lambda/handlerEnvironment.js";
import { assertBundlesBuilt, bundleFile, importHandler } from "./lambda/handlerModules.js";
import { lambdaTaskHandler } from "./lambda/lambdaTaskHandler.js";
import { buildFromSource } from "./lambda/sourceBuild.js";
import type { LocalFunction, LocalRuntimeEventSink } from "./types.js";

export interface LocalRuntimeOptions {
  /**
   * The repository root: where `Pulumi.<stack>.yaml` and `apps/*\/dist` are.
   * @default the workspace this package belongs to
   */
  repoRoot?: string;
  /**
   * The stack whose config sizes the queue, DLQ, buckets, workflow and functions.
   * @default "dev"
   */
  stack?: string;
  /** A config to use instead of reading `Pulumi.<stack>.yaml` (tests). */
  config?: StackConfig;
  /** @default the stack's `aws:region`, else "us-east-1" */
  region?: string;
  /**
   * Port of the HTTP API; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface the HTTP API listens on. The API verifies no signature and no token, so keep it on
   * loopback unless the network is yours.
   * @default "127.0.0.1"
   */
  host?: string;
  /** Port of fauxqs (SQS and S3). @default 0 */
  fauxqsPort?: number;
  /** Port of dynalite (DynamoDB). @default 0 */
  dynamodbPort?: number;
  /** Port of the Step Functions endpoint. @default 0 */
  stepFunctionsPort?: number;
  /**
   * `bundles` runs the very bundles that deploy (`apps/<app>/dist/<name>/index.mjs`, built by
   * `pnpm build`); `source` builds them from the TypeScript sources with esbuild first.
   * @default "bundles"
   */
  handlers?: "bundles" | "source";
  /** With `handlers: "source"`, rebuild on change and swap the new handlers in. @default false */
  watch?: boolean;
  /** `POWERTOOLS_LOG_LEVEL` of the handlers. @default "WARN" */
  handlerLogLevel?: HandlerLogLevel;
  /**
   * Turn the handlers' Powertools metrics on, so they write their EMF lines to stdout as they do
   * on Lambda (the cost benchmark counts those bytes). @default false
   */
  handlerMetrics?: boolean;
  /**
   * With `api.auth: iam`, the IAM principal of API requests that send no SigV4 `Authorization`
   * header (a signed request is the user its access key names).
   * @default arn:aws:iam::000000000000:user/tasklane-local
   */
  callerArn?: string;
  /**
   * Serve the web console (see @tasklane/console) in front of the API and the DLQ, on loopback.
   * @default false (`pnpm dev` turns it on, on port 4001)
   */
  console?: false | { port?: number };
  /** Where the runtime reports transitions, requests, failed batches, errors and rebuilds. */
  onEvent?: LocalRuntimeEventSink;
  /**
   * Test-only shortcuts, none of them set by default: a shorter queue visibility timeout (so
   * redeliveries and the DLQ need not wait minutes), fixed retry and Wait pauses in ms, how
   * often every `schedule` function runs, in ms, instead of its `everyMinutes`, how long an
   * Express execution may run, in ms, instead of AWS's 5 minutes, every function's timeout,
   * in seconds, instead of its role's (a burst on a loaded machine queues every call behind one
   * DynamoDB emulator process, which AWS's table does not), and the queue's event source mapping
   * disabled (`Enabled: false` on AWS), so that what is submitted stays queued: for a test of
   * what the API accepts that need not pay for running it.
   */
  testOverrides?: {
    eventSourceMappingsEnabled?: boolean;
    visibilityTimeoutSeconds?: number;
    functionTimeoutSeconds?: number;
    retryIntervalMs?: number;
    waitMs?: number;
    scheduleIntervalMs?: number;
    expressDurationLimitMs?: number;
  };
}

export interface LocalRuntime {
  /** The HTTP API, e.g. `http://127.0.0.1:3000`. */
  readonly apiUrl: string;
  readonly apiPort: number;
  readonly region: string;
  readonly stack: string;
  readonly config: StackConfig;
  readonly fauxqs: FauxqsServer;
  /** SQS and S3 (fauxqs), as `http://127.0.0.1:<port>`. */
  readonly fauxqsUrl: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly buckets: { payloads: string; results: string };
  /** The tasks table, created from `taskTableDefinition`. */
  readonly tableName: string;
  /** DynamoDB (dynalite), as `http://127.0.0.1:<port>`. */
  readonly dynamodbUrl: string;
  /** The web console, when the runtime serves one (`console` option). */
  readonly consoleUrl?: string;
  /** The Standard state machine. */
  readonly stateMachineArn: string;
  /** The Express state machine; absent when `tasklane:workflow.express` is off. */
  readonly expressStateMachineArn?: string;
  /**
   * The local Step Functions endpoint serving both state machines, with its outage switch, its
   * request log and every execution (`executions()`: type, start and stop, state transitions).
   */
  readonly stepFunctions: StepFunctionsEndpoint<LocalStepFunctions>;
  /** The environment the handlers run with (also set in `process.env` until `stop`). */
  readonly env: Readonly<Record<string, string>>;
  /** The functions of the catalog, by name. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The Standard state machine's document: `buildWorkflows()`'s `standard`. */
  readonly definition: WorkflowDefinition;
  /** The Express state machine's document (`buildWorkflows()`'s `express`), when it runs. */
  readonly expressDefinition?: WorkflowDefinition;
  /**
   * Invokes a `schedule` function (`resend-unsent`) once, now, as its rule would. Resolves when
   * it returns; rejects with the `LambdaInvocationError` it failed with (also reported as a
   * `function-error` event).
   */
  runScheduled(name: string): Promise<void>;
  /** Stops everything, in order, and restores `process.env` and DNS. */
  stop(): Promise<void>;
}

/**
 * Runs the whole pipeline in this process, with no AWS account: fauxqs for SQS and S3, dynalite
 * for the tasks table, a local Step Functions endpoint running the workflow's ASL, an event
 * source mapping feeding the queue to the consumer, an HTTP API in front of the producer, and
 * the scheduled functions' rules, all sized by the stack config and all running the real Lambda
 * handlers.
 *
 * @example
 * ```ts
 * const runtime = await startLocalRuntime({ port: 3000, onEvent: (e) => console.log(e) });
 * const res = await fetch(`${runtime.apiUrl}/tasks`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ type: "echo", input: { hello: "world" } }),
 * });
 * console.log(res.status, await res.json()); // 202 { id, type: "echo", status: "queued" }
 * await runtime.stop();
 * ```
 *
 * @throws BundlesMissingError when the bundles are not built (`handlers: "bundles"`).
 * @throws PortInUseError when the API's port is taken.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const repoRoot = options.repoRoot ?? findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  const stack = options.stack ?? DEFAULT_STACK;
  const ref: StackRef = { project: PROJECT, stack };
  const stackFile = options.config
    ? { config: options.config }
    : readStackConfigFile(join(repoRoot, `Pulumi.${stack}.yaml`), ref);
  const config = stackFile.config;
  const region = options.region ?? stackFile.region ?? DEFAULT_REGION;
  const emit: LocalRuntimeEventSink = (event) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A broken listener must not break the pipeline.
    }
  };
  const onFunctionError = (fn: LocalFunction, error: LambdaInvocationError) =>
    emit({
      kind: "function-error",
      functionName: fn.functionName,
      errorType: error.errorType,
      errorMessage: error.errorMessage,
    });

  const specs: readonly FunctionSpec[] = FUNCTIONS;
  const functions = new Map(
    specs.map((spec) => [
      spec.name,
      localFunction(spec, ref, region, config, options.testOverrides?.functionTimeoutSeconds),
    ]),
  );
  const fnOf = (spec: FunctionSpec) => functions.get(spec.name) as LocalFunction;
  const names = localResourceNames(ref, config);
  const machineArn = stateMachineArnFor(region, names.stateMachine);
  const workflows = workflowDefinitions(specs, fnOf, config);
  const definition = workflows.standard;
  // The Express workflow runs beside the Standard one unless the stack config turns it off.
  const express =
    config.workflow.express === "auto"
      ? {
          arn: stateMachineArnFor(region, names.expressStateMachine),
          definition: workflows.express,
        }
      : undefined;

  if ((options.handlers ?? "bundles") === "bundles") assertBundlesBuilt(repoRoot, specs);
  const callerArn = options.callerArn ?? LOCAL_CALLER_ARN;

  // What to stop, registered as it starts, and stopped in this order whatever the start order:
  // no new work first (schedules, queue, API), then the work in flight, then the services it uses.
  const stopOrder = [
    "schedules",
    "console",
    "eventSourceMappings",
    "httpApi",
    "executions",
    "stepFunctionsEndpoint",
    "sourceBuild",
    "sqsClient",
    "fauxqs",
    "localTable",
    "localhostDns",
    "environment",
  ] as const;
  const stoppers = new Map<(typeof stopOrder)[number], () => Promise<void> | void>();
  const stopAll = async () => {
    for (const stage of stopOrder) {
      const stop = stoppers.get(stage);
      stoppers.delete(stage);
      try {
        await stop?.();
      } catch (error) {
        emit({ kind: "warning", message: `while stopping ${stage}: ${(error as Error).message}` });
      }
    }
  };

  try {
    // The API's port first: a port already taken is reported before anything heavy starts.
    const api: HttpApi = await startHttpApi({
      routes: specs.flatMap((spec) =>
        (spec.routes ?? []).map((routeKey) => ({ routeKey, target: fnOf(spec) })),
      ),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      authorizer: localAuthorizer(config, callerArn),
      onRequest: (request) => emit({ kind: "request", request }),
      onFunctionError,
    });
    stoppers.set("httpApi", () => api.stop());

    const fauxqs = await startFauxqs({
      port: options.fauxqsPort ?? 0,
      logger: false,
      defaultRegion: region,
    });
    stoppers.set("fauxqs", () => fauxqs.stop());
    stoppers.set("localhostDns", interceptLocalhostDns());
    const resources = createLocalResources(fauxqs, names, config, {
      ...(options.testOverrides?.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.testOverrides.visibilityTimeoutSeconds }
        : {}),
    });

    const table = await startLocalTable({
      tableName: names.table,
      region,
      ...(options.dynamodbPort !== undefined ? { port: options.dynamodbPort } : {}),
    });
    stoppers.set("localTable", () => table.stop());

    const taskHandlers = Object.fromEntries(
      specs
        .filter((spec) => spec.role === "step" && spec.state)
        // A step's failure is the state machine's to retry or catch, and the runtime's log's to show.
        .map((spec) => [
          spec.state as string,
          lambdaTaskHandler(fnOf(spec), (error) => onFunctionError(fnOf(spec), error)),
        ]),
    );
    const machine = (
      stateMachineArn: string,
      machineDefinition: WorkflowDefinition,
      type: "STANDARD" | "EXPRESS",
    ) =>
      new LocalStepFunctions({
        stateMachineArn,
        type,
        definition: machineDefinition,
        taskHandlers,
        timingOverrides: timingOverrides(machineDefinition, options.testOverrides),
        ...(options.testOverrides?.expressDurationLimitMs !== undefined
          ? { durationLimitMs: options.testOverrides.expressDurationLimitMs }
          : {}),
        onTransition: (transition) => emit({ kind: "transition", transition }),
      });
    const machines = [
      machine(machineArn, definition, "STANDARD"),
      ...(express ? [machine(express.arn, express.definition, "EXPRESS")] : []),
    ];
    const sfnEndpoint = await startStepFunctionsEndpoint(machines, {
      ...(options.stepFunctionsPort !== undefined ? { port: options.stepFunctionsPort } : {}),
    });
    stoppers.set("stepFunctionsEndpoint", () => sfnEndpoint.stop());
    stoppers.set("executions", async () => {
      await Promise.all(machines.map((m) => m.stop()));
    });

    const env = handlerEnvironment({
      region,
      fauxqsPort: fauxqs.port,
      stepFunctionsUrl: sfnEndpoint.url,
      dynamodbUrl: table.url,
      tableName: table.tableName,
      queueUrl: resources.queueUrl,
      stateMachineArn: machineArn,
      ...(express
        ? { express: { stateMachineArn: express.arn, bounds: workflowBounds(config) } }
        : {}),
      buckets: names.buckets,
      config,
      handlerLogLevel: options.handlerLogLevel ?? "WARN",
      metrics: options.handlerMetrics ?? false,
    });
    stoppers.set("environment", applyEnvironment(env));

    if (options.handlers === "source") {
      const build = await buildFromSource({
        repoRoot,
        functions: specs.map((spec) => ({ spec, fn: fnOf(spec) })),
        watch: options.watch ?? false,
        onRebuild: (report) => emit({ kind: "rebuild", ...report }),
      });
      stoppers.set("sourceBuild", () => build.stop());
    } else {
      // Each bundle loads at its function's first invocation, as on Lambda, under the
      // environment set above: a function nobody invokes costs nothing.
      for (const spec of specs) {
        fnOf(spec).load = () => importHandler(bundleFile(repoRoot, spec));
      }
    }

    const sqs = new SQSClient({
      region,
      endpoint: env.AWS_ENDPOINT_URL_SQS,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    stoppers.set("sqsClient", () => sqs.destroy());
    const mappings: EventSourceMapping[] = specs
      .filter(
        (spec) =>
          spec.role === "queue" && options.testOverrides?.eventSourceMappingsEnabled !== false,
      )
      .map((spec) =>
        startEventSourceMapping({
          sqs,
          queueUrl: resources.queueUrl,
          queueArn: resources.queueArn,
          region,
          fn: fnOf(spec),
          batchSize: config.consumer.batchSize,
          batchingWindowSeconds: config.consumer.batchingWindowSeconds,
          maximumConcurrency: config.consumer.maximumConcurrency,
          onBatch: (batch) => emit({ kind: "batch", batch }),
          onFunctionError: (error) => onFunctionError(fnOf(spec), error),
          onSqsError: (error) =>
            emit({ kind: "warning", message: `SQS poller: ${(error as Error).message}` }),
        }),
      );
    stoppers.set("eventSourceMappings", async () => {
      await Promise.all(mappings.map((m) => m.stop()));
    });

    const schedules: Schedules = startSchedules({
      functions: specs.flatMap((spec) =>
        spec.role === "schedule" && spec.everyMinutes !== undefined
          ? [
              {
                fn: fnOf(spec),
                everyMinutes: spec.everyMinutes,
                ruleArn: eventRuleArn(region, localScheduleRuleName(ref, spec)),
              },
            ]
          : [],
      ),
      region,
      accountId: LOCAL_ACCOUNT_ID,
      ...(options.testOverrides?.scheduleIntervalMs !== undefined
        ? { intervalMs: options.testOverrides.scheduleIntervalMs }
        : {}),
      onFunctionError,
    });
    stoppers.set("schedules", () => schedules.stop());

    // The console signs its calls like any client. The local API takes a SigV4 caller's access
    // key as its user name, so the console acts as the runtime's default user, who owns what
    // curl and the CLI submit without credentials.
    const consoleServer =
      options.console === undefined || options.console === false
        ? undefined
        : await startConsoleServer({
            target: {
              apiUrl: api.url,
              region,
              queueUrl: resources.queueUrl,
              dlqUrl: resources.dlqUrl,
              sqsEndpoint: `http://127.0.0.1:${fauxqs.port}`,
              credentials: { accessKeyId: localUserName(callerArn), secretAccessKey: "local" },
              description: `the local runtime (stack ${stack})`,
            },
            port: options.console.port ?? 0,
          });
    if (consoleServer) stoppers.set("console", () => consoleServer.stop());

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      apiPort: api.port,
      region,
      stack,
      config,
      fauxqs,
      fauxqsUrl: `http://127.0.0.1:${fauxqs.port}`,
      queueUrl: resources.queueUrl,
      queueArn: resources.queueArn,
      dlqUrl: resources.dlqUrl,
      dlqArn: resources.dlqArn,
      buckets: names.buckets,
      tableName: table.tableName,
      dynamodbUrl: table.url,
      stateMachineArn: machineArn,
      ...(express
        ? { expressStateMachineArn: express.arn, expressDefinition: express.definition }
        : {}),
      stepFunctions: sfnEndpoint,
      env,
      functions,
      definition,
      ...(consoleServer ? { consoleUrl: consoleServer.url } : {}),
      runScheduled: (name) => schedules.run(name),
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A catalog function with its physical name and the timeout and memory its role gets. */
function localFunction(
  spec: FunctionSpec,
  ref: StackRef,
  region: string,
  config: StackConfig,
  timeoutSecondsOverride: number | undefined,
): LocalFunction {
  const functionName = localFunctionName(ref, spec);
  return {
    name: spec.name,
    functionName,
    arn: lambdaArn(region, functionName),
    ...functionSizing(config, spec.role),
    ...(timeoutSecondsOverride !== undefined ? { timeoutSeconds: timeoutSecondsOverride } : {}),
  };
}

type WorkflowFunctionKey = "createTask" | "checkTaskStatus" | "taskCompleted" | "markFailed";

/** The very ASL documents the Pulumi program deploys, with the step functions' local ARNs. */
function workflowDefinitions(
  specs: readonly FunctionSpec[],
  fnOf: (spec: FunctionSpec) => LocalFunction,
  config: StackConfig,
): Workflows {
  const arns: Partial<Record<WorkflowFunctionKey, string>> = {};
  for (const spec of specs) {
    const key = (Object.keys(STATE_NAMES) as (keyof typeof STATE_NAMES)[]).find(
      (k) => spec.role === "step" && STATE_NAMES[k] === spec.state,
    );
    if (key) arns[key as WorkflowFunctionKey] = fnOf(spec).arn;
  }
  return buildWorkflows({
    functions: arns as Record<WorkflowFunctionKey, string>,
    ...workflowBounds(config),
  });
}

function timingOverrides(
  definition: WorkflowDefinition,
  overrides: LocalRuntimeOptions["testOverrides"],
): TimingOverrides {
  const statesOf = (type: string) =>
    Object.entries(definition.States)
      .filter(([, state]) => state.Type === type)
      .map(([name]) => name);
  const { retryIntervalMs, waitMs } = overrides ?? {};
  return {
    ...(retryIntervalMs !== undefined
      ? {
          retryIntervalOverrides: Object.fromEntries(
            statesOf("Task").map((name) => [name, retryIntervalMs]),
          ),
        }
      : {}),
    ...(waitMs !== undefined
      ? { waitTimeOverrides: Object.fromEntries(statesOf("Wait").map((name) => [name, waitMs])) }
      : {}),
  };
}

/** The user name of an IAM user ARN: the access key the local API maps to that user. */
function localUserName(userArn: string): string {
  return userArn.slice(userArn.lastIndexOf("/") + 1);
}

/**
 * How the deployed API authorizes requests, per `api.auth`, with the caller of a request that
 * sends no `Authorization` header.
 */
function localAuthorizer(config: StackConfig, callerArn: string): LocalAuthorizer {
  switch (config.api.auth) {
    case "iam":
      return { kind: "iam", userArn: callerArn, accountId: LOCAL_ACCOUNT_ID };
    case "jwt":
      return {
        kind: "jwt",
        claims: { sub: "tasklane-local", iss: config.api.jwt?.issuer ?? "https://localhost/" },
      };
    case "none":
      return { kind: "none" };
  }
}
