import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import {
  type BatchReport,
  type ExecutionTransition,
  LOCAL_CALLER_ARN,
  type LocalRuntime,
  type LocalRuntimeEvent,
  type RequestReport,
  startLocalRuntime,
} from "@tasklane/local";
import { STATE_NAMES, TASK_TABLE } from "@tasklane/shared-task";
import { FUNCTIONS, readStackConfigFile, type StackConfig } from "@tasklane/stack-config";
import { addExcluded, billedRequests, type ExcludedRequests } from "./billedRequests.js";
import {
  apiMeteredRequests,
  type CostPerMillion,
  costPerMillion,
  emptyUsage,
  expressBilling,
  lambdaBilledMs,
  lambdaGbSeconds,
  sqsBilledRequests,
  type Usage,
  usagePerUnit,
  type WorkflowType,
} from "./costReport.js";
import { DynamoDbMeter, type DynamoUnits, type Item } from "./dynamoDbUnits.js";
import { type InvocationRecord, type InvocationTap, tapInvocations } from "./invocationTap.js";
import { apiAccessLogBytes, lambdaPlatformLogBytes, stateMachineLogBytes } from "./logLines.js";
import { type CountedRequest, type RequestCounter, startRequestCounter } from "./requestCounter.js";
import { type Ceilings, throughputCeilings } from "./throughputCeilings.js";

/** A task type the benchmark runs, and the input each of its tasks gets. */
export interface CostTask {
  type: string;
  /** How the report names the row. */
  label: string;
  input: (index: number) => unknown;
}

/** `sleep` runs this long, with each Wait shortened to `SLEEP_WAIT_MS`: about three polls. */
export const SLEEP_SECONDS = 3;
export const SLEEP_WAIT_MS = 1_000;
export const FLAKY_FAILURES = 2;

export const COST_TASKS: readonly CostTask[] = [
  { type: "echo", label: "echo", input: (n) => ({ n }) },
  { type: "sleep", label: "sleep", input: () => ({ seconds: SLEEP_SECONDS }) },
  {
    type: "flaky",
    label: `flaky (${FLAKY_FAILURES} retries)`,
    input: () => ({ failures: FLAKY_FAILURES }),
  },
  { type: "fail", label: "fail", input: () => ({ reason: "bench:cost" }) },
];

export interface CostBenchOptions {
  /** Tasks of each type, per stack. */
  tasks: number;
  /** Stacks whose `Pulumi.<stack>.yaml` sizes the runtime and prices the functions. */
  stacks: readonly string[];
  /** Submissions in flight. */
  concurrency: number;
  /** How long one task type may take to finish, per stack. */
  timeoutMs: number;
  /**
   * `tasklane:workflow.express` for every stack instead of its own: `off` prices short tasks on
   * the Standard workflow, which is how to see its transitions per task.
   */
  express?: "auto" | "off";
  /** The `COST_TASKS` types to run, by name: all of them by default. */
  types?: readonly string[];
  repoRoot?: string;
  log?: (line: string) => void;
}

export interface TaskTypeCost {
  type: string;
  label: string;
  tasks: number;
  succeeded: number;
  failed: number;
  /** The workflow its executions ran on (`mixed` when some ran on each). */
  workflow: WorkflowType | "mixed";
  /** Per task, counted. */
  standardTransitions: number;
  polls: number;
  retries: number;
  /** Messages per consumer invocation, as they arrived in this run. */
  messagesPerConsumerInvocation: number;
  /** Mean duration of a consumer invocation, ms. */
  consumerInvocationMs: number;
  usage: Usage;
  perTask: Usage;
  cost: CostPerMillion;
}

export interface StackCostReport {
  stack: string;
  region: string;
  settings: {
    architecture: "arm64" | "x86_64";
    tracing: boolean;
    /** `tasklane:logs.systemLevel`: whether Lambda writes its START, END and REPORT lines. */
    systemLevel: "INFO" | "WARN";
    memoryMb: Record<string, number>;
    handlerLogLevel: string;
    stateMachineLogLevel: string;
    includeExecutionData: boolean;
    express: "auto" | "off";
    consumer: { batchSize: number; maximumConcurrency: number; batchingWindowSeconds: number };
    apiRateLimit: number;
    fifo: boolean;
  };
  taskTypes: TaskTypeCost[];
  /** One poll of `sleep`: its transitions, its check-task-status invocation and what that calls. */
  poll?: { polls: number; perPoll: Usage; cost: CostPerMillion };
  /** Costs by the hour, not by the task: the resend sweep's every-minute run. */
  fixed: { resendUnsent: { runsPerMonth: number; perRun: Usage; dollarsPerMonth: number } };
  /** Requests counted but not billed to the tasks. */
  excluded: ExcludedRequests;
  ceilings: Ceilings;
}

export interface CostBenchResult {
  tasksPerType: number;
  stacks: StackCostReport[];
}

const DAY_MS = 86_400_000;
/** Tasks of each type run before the measured runs, and not priced. */
const WARM_UP_TASKS = 5;
const POLL_MS = 100;
/** Lets the last handler's trailing writes (metrics, logs) land before a run is taken. */
const SETTLE_MS = 200;
const EXECUTION_END = /^Execution(Succeeded|Failed|Aborted|TimedOut)$/;
/** Statuses a task record ends in. */
const TERMINAL_STATUSES = new Set(["succeeded", "failed", "cancelled"]);

/**
 * The `COST_TASKS` `types` names, in `COST_TASKS`' order (all of them when `types` is undefined).
 *
 * @throws Error naming a type that is not one of them, or when `types` names none.
 */
export function costTasksNamed(types: readonly string[] | undefined): readonly CostTask[] {
  if (types === undefined) return COST_TASKS;
  const known = COST_TASKS.map((task) => task.type);
  const unknown = types.filter((type) => !known.includes(type));
  if (unknown.length > 0) {
    throw new Error(
      `unknown task type ${unknown.map((t) => `"${t}"`).join(", ")}: bench:cost runs ${known.join(", ")}`,
    );
  }
  const chosen = COST_TASKS.filter((task) => types.includes(task.type));
  if (chosen.length === 0)
    throw new Error(`no task type named: bench:cost runs ${known.join(", ")}`);
  return chosen;
}

/**
 * Runs each of `COST_TASKS` (or the `types` named) `tasks` times through the local runtime, for
 * each stack, counting what AWS would bill: every AWS request the handlers (and the event source
 * mapping) make, as they make them; each execution's transitions or Express duration; each
 * invocation's duration and the stack's memory; API requests; and the bytes written to
 * CloudWatch Logs. Then prices it.
 */
export async function benchCost(options: CostBenchOptions): Promise<CostBenchResult> {
  const costTasks = costTasksNamed(options.types);
  const repoRoot = options.repoRoot ?? findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  const stacks: StackCostReport[] = [];
  for (const stack of options.stacks) {
    stacks.push(await benchStack(repoRoot, stack, costTasks, options));
  }
  return { tasksPerType: options.tasks, stacks };
}

/** Runtime events of a run, taken run by run, and which executions started and ended. */
class EventLog {
  transitions: ExecutionTransition[] = [];
  requests: RequestReport[] = [];
  batches: BatchReport[] = [];
  readonly started = new Set<string>();
  readonly ended = new Set<string>();

  record(event: LocalRuntimeEvent): void {
    if (event.kind === "transition") {
      const t = event.transition;
      this.transitions.push(t);
      if (t.type === "ExecutionStarted") this.started.add(t.executionArn);
      if (EXECUTION_END.test(t.type)) this.ended.add(t.executionArn);
    } else if (event.kind === "request") this.requests.push(event.request);
    else if (event.kind === "batch") this.batches.push(event.batch);
  }

  get allEnded(): boolean {
    for (const arn of this.started) if (!this.ended.has(arn)) return false;
    return true;
  }

  take() {
    const taken = { transitions: this.transitions, requests: this.requests, batches: this.batches };
    this.transitions = [];
    this.requests = [];
    this.batches = [];
    return taken;
  }
}

interface Instruments {
  runtime: LocalRuntime;
  config: StackConfig;
  events: EventLog;
  counter: RequestCounter<InvocationRecord>;
  invocations: InvocationTap;
  meter: DynamoDbMeter;
  log: (line: string) => void;
}

async function benchStack(
  repoRoot: string,
  stack: string,
  costTasks: readonly CostTask[],
  options: CostBenchOptions,
): Promise<StackCostReport> {
  const log = options.log ?? (() => undefined);
  const file = readStackConfigFile(join(repoRoot, `Pulumi.${stack}.yaml`), {
    project: "tasklane",
    stack,
  });
  const config = options.express
    ? { ...file.config, workflow: { ...file.config.workflow, express: options.express } }
    : file.config;
  const events = new EventLog();
  const runtime = await startLocalRuntime({
    repoRoot,
    stack,
    config,
    port: 0,
    handlerLogLevel: config.logs.level,
    handlerMetrics: true,
    testOverrides: { waitMs: SLEEP_WAIT_MS, scheduleIntervalMs: DAY_MS },
    onEvent: (event) => events.record(event),
  });
  const invocations = tapInvocations(runtime.functions);
  const counter = startRequestCounter(invocations.context);
  const tools: Instruments = {
    runtime,
    config,
    events,
    counter,
    invocations,
    meter: new DynamoDbMeter(),
    log,
  };
  let excluded = addExcluded();
  try {
    log(`${stack}: local runtime up (${runtime.region}); ${options.tasks} tasks of each type`);
    const taskTypes: TaskTypeCost[] = [];
    let poll: StackCostReport["poll"];
    // Untimed and unpriced: the handlers' first runs compile their code paths (as a warm
    // Lambda has), so the runs below bill warm invocations.
    await runTasks(tools, costTasks, WARM_UP_TASKS, options);
    for (const task of costTasks) {
      const run = await runTasks(tools, [task], options.tasks, options);
      excluded = addExcluded(excluded, run.excluded);
      taskTypes.push(priceRun(tools, task, run));
      if (task.type === "sleep") poll = pricePoll(tools, run);
      log(`${stack}: ${task.label}: ${run.ids.length} tasks done`);
    }
    const resendUnsent = await priceResendSweep(tools);
    const echo = taskTypes.find((t) => t.type === "echo") ?? (taskTypes[0] as TaskTypeCost);
    return {
      stack,
      region: runtime.region,
      settings: {
        architecture: config.lambda.architecture,
        tracing: config.lambda.tracing,
        systemLevel: config.logs.systemLevel,
        memoryMb: Object.fromEntries(
          [...runtime.functions.values()].map((fn) => [fn.name, fn.memoryMb]),
        ),
        handlerLogLevel: config.logs.level,
        stateMachineLogLevel: config.workflow.logLevel,
        includeExecutionData: config.workflow.includeExecutionData,
        express: config.workflow.express,
        consumer: {
          batchSize: config.consumer.batchSize,
          maximumConcurrency: config.consumer.maximumConcurrency,
          batchingWindowSeconds: config.consumer.batchingWindowSeconds,
        },
        apiRateLimit: config.api.throttle.rateLimit,
        fifo: config.queue.fifo,
      },
      taskTypes,
      ...(poll ? { poll } : {}),
      fixed: { resendUnsent },
      excluded,
      ceilings: ceilingsOf(config, echo),
    };
  } finally {
    counter.stop();
    invocations.stop();
    await runtime.stop();
  }
}

/** What one task type's run left: its tasks, and everything counted while they ran. */
interface Run {
  ids: string[];
  /** Body bytes of each submission. */
  submittedBytes: number[];
  transitions: ExecutionTransition[];
  apiRequests: RequestReport[];
  batches: BatchReport[];
  invocations: InvocationRecord[];
  /** The requests billed to the tasks, each with what DynamoDB consumed for it. */
  requests: { request: CountedRequest<InvocationRecord>; units?: DynamoUnits }[];
  excluded: ExcludedRequests;
}

async function runTasks(
  tools: Instruments,
  tasks: readonly CostTask[],
  perType: number,
  options: CostBenchOptions,
): Promise<Run> {
  const { runtime, events, counter, invocations } = tools;
  forgetCounted(tools);

  const submissions = tasks.flatMap((task) =>
    Array.from({ length: perType }, (_, index) => ({
      task,
      body: JSON.stringify({ type: task.type, input: task.input(index) }),
    })),
  );
  const ids: string[] = [];
  const submittedBytes: number[] = [];
  let next = 0;
  const submitOne = async () => {
    while (next < submissions.length) {
      const { task, body } = submissions[next++] as (typeof submissions)[number];
      const response = await fetch(`${runtime.apiUrl}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const answer = (await response.json()) as { id?: string; detail?: string };
      if (response.status !== 202 || !answer.id) {
        throw new Error(
          `POST /tasks (${task.type}) answered ${response.status}: ${answer.detail ?? ""}`,
        );
      }
      ids.push(answer.id);
      submittedBytes.push(Buffer.byteLength(body));
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, submissions.length) }, submitOne),
  );

  // Done when every record has ended, every execution started has ended, every message was
  // deleted and no handler is still running or calling. The records are read straight from
  // dynalite (uncounted), so this waits for executions of either workflow type alike.
  const deadline = Date.now() + options.timeoutMs;
  const deleted = () => events.batches.reduce((sum, b) => sum + b.size - b.failed, 0);
  const idle = () =>
    events.allEnded &&
    deleted() >= ids.length &&
    counter.inFlightFromHandlers === 0 &&
    invocations.inFlight === 0;
  const recordsEnded = async () => {
    const status = new Map((await scanTable(runtime)).map((item) => [item.id?.S, item.status?.S]));
    return ids.filter((id) => TERMINAL_STATUSES.has(status.get(id) ?? "")).length;
  };
  const label = tasks.map((t) => t.type).join(", ");
  for (;;) {
    if (idle() && (await recordsEnded()) === ids.length) {
      await sleep(SETTLE_MS);
      if (idle()) break;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${label}: only ${await recordsEnded()}/${ids.length} tasks ended within ${options.timeoutMs} ms`,
      );
    }
    await sleep(POLL_MS);
  }

  const taken = events.take();
  const counted = counter.take();
  const ran = invocations.take();
  tools.meter.knowItems(await scanTable(runtime));

  const { billed, excluded } = billedRequests(counted);
  return {
    ids,
    submittedBytes,
    transitions: taken.transitions,
    apiRequests: taken.requests,
    batches: taken.batches,
    invocations: ran,
    requests: billed.map((request) => metered(tools.meter, request)),
    excluded,
  };
}

/**
 * Which workflow type an execution ran on: the `workflowType` its transitions report, else what
 * its ARN says (Express execution ARNs read `:express:`), else Standard.
 */
function workflowTypeOf(transition: ExecutionTransition): WorkflowType {
  const reported = (transition as { workflowType?: unknown }).workflowType;
  if (reported === "EXPRESS" || reported === "STANDARD") return reported;
  return /:express:/.test(transition.executionArn) ? "EXPRESS" : "STANDARD";
}

/** Counted figures of a subset of a run: the functions, requests and transitions `include` keeps. */
/** Drops what was counted so far: whatever ran before (idle polls) is not the next run's. */
function forgetCounted(tools: Instruments): void {
  tools.counter.take();
  tools.invocations.take();
  tools.events.take();
}

/** What AWS bills for `usage` at the stack's Lambda architecture and queue type. */
function priced(tools: Instruments, usage: Usage): CostPerMillion {
  return costPerMillion(usage, {
    architecture: tools.config.lambda.architecture,
    fifo: tools.config.queue.fifo,
  });
}

/** How many times a run's executions entered `state`. */
function timesEntered(run: Run, state: string): number {
  return run.transitions.filter((t) => t.type === "StateEntered" && t.state?.name === state).length;
}

function usageOf(
  tools: Instruments,
  run: Run,
  units: number,
  include: {
    invocation: (i: InvocationRecord) => boolean;
    transition: (t: ExecutionTransition, firstVisit: boolean) => boolean;
    /** The event source mapping's receives and deletes: the consumer's share. */
    queue: boolean;
    api: boolean;
  },
): { usage: Usage; workflows: Map<string, WorkflowType> } {
  const { config } = tools;
  const usage = emptyUsage(units);
  if (include.api) {
    usage.api.requests = run.apiRequests.length;
    usage.api.meteredRequests = run.submittedBytes.reduce(
      (sum, bytes) => sum + apiMeteredRequests(bytes),
      0,
    );
    usage.logs.accessLogBytes = run.apiRequests.reduce(
      (sum, r) =>
        sum +
        apiAccessLogBytes({
          routeKey: r.routeKey ?? "-",
          path: r.path,
          statusCode: r.statusCode,
          durationMs: r.durationMs,
          callerArn: LOCAL_CALLER_ARN,
        }),
      0,
    );
  }

  const kept = new Set<string>();
  for (const invocation of run.invocations) {
    if (!include.invocation(invocation)) continue;
    kept.add(invocation.requestId);
    const billedMs = lambdaBilledMs(invocation.durationMs);
    const fn = usage.lambda[invocation.functionName] ?? {
      invocations: 0,
      memoryMb: invocation.memoryMb,
      billedMs: 0,
      gbSeconds: 0,
    };
    usage.lambda[invocation.functionName] = fn;
    fn.invocations += 1;
    fn.billedMs += billedMs;
    fn.gbSeconds += lambdaGbSeconds(billedMs, invocation.memoryMb);
    usage.logs.handlerBytes += invocation.logBytes;
    usage.logs.platformBytes += lambdaPlatformLogBytes(invocation, {
      tracing: config.lambda.tracing,
      systemLevel: config.logs.systemLevel,
    });
  }

  const tally = new Map<string, Usage["requests"][number]>();
  for (const { request, units: consumed } of run.requests) {
    if (request.caller ? !kept.has(request.caller.requestId) : !include.queue) continue;
    const key = `${request.service} ${request.action}`;
    const entry = tally.get(key) ?? {
      service: request.service,
      action: request.action,
      count: 0,
      billed: 0,
    };
    entry.count += 1;
    entry.billed +=
      request.service === "SQS"
        ? sqsBilledRequests(request.action, request.requestBytes, request.responseBytes ?? 0)
        : 1;
    tally.set(key, entry);
    if (consumed) {
      usage.dynamodb.tableWriteUnits += consumed.tableWriteUnits;
      usage.dynamodb.readUnits += consumed.readUnits;
      for (const [index, writeUnits] of Object.entries(consumed.indexWriteUnits)) {
        usage.dynamodb.indexWriteUnits[index] =
          (usage.dynamodb.indexWriteUnits[index] ?? 0) + writeUnits;
      }
    }
  }
  usage.requests = [...tally.values()].sort((a, b) =>
    `${a.service} ${a.action}`.localeCompare(`${b.service} ${b.action}`),
  );

  const byExecution = new Map<string, ExecutionTransition[]>();
  for (const t of run.transitions) {
    const list = byExecution.get(t.executionArn) ?? [];
    list.push(t);
    byExecution.set(t.executionArn, list);
  }
  const workflows = new Map<string, WorkflowType>();
  const logged: ExecutionTransition[] = [];
  for (const [arn, transitions] of byExecution) {
    const first = transitions[0] as ExecutionTransition;
    const type = workflowTypeOf(first);
    workflows.set(arn, type);
    const visits = new Map<string, number>();
    let counted = 0;
    for (const t of transitions) {
      const name = t.state?.name ?? "";
      if (t.type === "StateEntered") visits.set(name, (visits.get(name) ?? 0) + 1);
      const firstVisit = t.state === undefined || (visits.get(name) ?? 0) <= 1;
      if (!include.transition(t, firstVisit)) continue;
      logged.push(t);
      if (t.type === "StateEntered" || t.type === "StateRetried") counted += 1;
    }
    if (type === "STANDARD") {
      usage.stepFunctions.standard.transitions += counted;
      if (include.api) usage.stepFunctions.standard.executions += 1;
    } else if (include.api) {
      const start = transitions.find((t) => t.type === "ExecutionStarted") ?? first;
      const end = [...transitions].reverse().find((t) => EXECUTION_END.test(t.type));
      const billing = expressBilling(
        (end ?? start).timestamp.getTime() - start.timestamp.getTime(),
      );
      usage.stepFunctions.express.executions += 1;
      usage.stepFunctions.express.billedMs += billing.billedMs;
      usage.stepFunctions.express.gbSeconds += billing.gbSeconds;
    }
  }
  const level = config.workflow.logLevel;
  const includeExecutionData = config.workflow.includeExecutionData;
  usage.logs.stateMachineBytes =
    stateMachineLogBytes(
      logged.filter((t) => workflows.get(t.executionArn) !== "EXPRESS"),
      { level, includeExecutionData },
    ) +
    // The Express state machine logs at least ERROR: its executions have no history elsewhere.
    stateMachineLogBytes(
      logged.filter((t) => workflows.get(t.executionArn) === "EXPRESS"),
      { level: level === "OFF" || level === "FATAL" ? "ERROR" : level, includeExecutionData },
    );
  return { usage, workflows };
}

function priceRun(tools: Instruments, task: CostTask, run: Run): TaskTypeCost {
  const { usage, workflows } = usageOf(tools, run, run.ids.length, {
    invocation: () => true,
    transition: () => true,
    queue: true,
    api: true,
  });
  const types = new Set(workflows.values());
  const ended = run.transitions.filter(
    (t) => t.type.startsWith("Execution") && t.type !== "ExecutionStarted",
  );
  const consumer = run.invocations.filter((i) => i.functionName === "start-executions");
  const messages = run.batches.reduce((sum, b) => sum + b.size, 0);
  const n = Math.max(run.ids.length, 1);
  return {
    type: task.type,
    label: task.label,
    tasks: run.ids.length,
    succeeded: ended.filter((t) => t.type === "ExecutionSucceeded").length,
    failed: ended.filter((t) => t.type !== "ExecutionSucceeded").length,
    workflow: types.size === 1 ? ([...types][0] as WorkflowType) : "mixed",
    standardTransitions: usage.stepFunctions.standard.transitions / n,
    polls: timesEntered(run, STATE_NAMES.checkTaskStatus) / n,
    retries: run.transitions.filter((t) => t.type === "StateRetried").length / n,
    messagesPerConsumerInvocation: consumer.length > 0 ? messages / consumer.length : 0,
    consumerInvocationMs:
      consumer.length > 0
        ? consumer.reduce((sum, i) => sum + i.durationMs, 0) / consumer.length
        : 0,
    usage,
    perTask: usagePerUnit(usage),
    cost: priced(tools, usage),
  };
}

/**
 * One poll of a long task: the Wait, CheckTaskStatus and IsTaskDone transitions after the
 * first IsTaskDone, the check-task-status invocation and what it calls and logs.
 */
function pricePoll(tools: Instruments, run: Run): StackCostReport["poll"] {
  const polls = timesEntered(run, STATE_NAMES.checkTaskStatus);
  if (polls === 0) return undefined;
  const loop = new Set<string>([STATE_NAMES.waitForTaskCompletion, STATE_NAMES.checkTaskStatus]);
  const { usage } = usageOf(tools, run, polls, {
    invocation: (i) => i.functionName === "check-task-status",
    transition: (t, firstVisit) =>
      loop.has(t.state?.name ?? "") || (t.state?.name === STATE_NAMES.isTaskDone && !firstVisit),
    queue: false,
    api: false,
  });
  return {
    polls,
    perPoll: usagePerUnit(usage),
    cost: priced(tools, usage),
  };
}

/** The resend sweep runs every `everyMinutes` whatever the traffic: priced per month. */
async function priceResendSweep(
  tools: Instruments,
): Promise<StackCostReport["fixed"]["resendUnsent"]> {
  const spec = FUNCTIONS.find((f) => f.name === "resend-unsent");
  const everyMinutes = spec?.everyMinutes ?? 1;
  forgetCounted(tools);
  await tools.runtime.runScheduled("resend-unsent");
  await sleep(SETTLE_MS);
  const run: Run = {
    ids: [],
    submittedBytes: [],
    transitions: [],
    apiRequests: [],
    batches: [],
    invocations: tools.invocations.take(),
    // Only the sweep's own calls: the event source mapping's polls are not its cost.
    requests: billedRequests(tools.counter.take())
      .billed.filter((r) => r.caller !== undefined)
      .map((request) => metered(tools.meter, request)),
    excluded: addExcluded(),
  };
  const { usage } = usageOf(tools, run, 1, {
    invocation: (i) => i.functionName === "resend-unsent",
    transition: () => false,
    queue: false,
    api: false,
  });
  const runsPerMonth = (30 * 24 * 60) / everyMinutes;
  const perRun = priced(tools, usage);
  return { runsPerMonth, perRun: usage, dollarsPerMonth: (perRun.total / 1e6) * runsPerMonth };
}

function ceilingsOf(config: StackConfig, echo: TaskTypeCost): Ceilings {
  const perTask = echo.perTask;
  // The busiest index; on a tie, byTime: every caller shares a day's partitions, where
  // byOwner's are each caller's own.
  const indexes = Object.entries(perTask.dynamodb.indexWriteUnits).sort(
    (a, b) =>
      b[1] - a[1] ||
      Number(b[0] === TASK_TABLE.indexes.byTime.name) -
        Number(a[0] === TASK_TABLE.indexes.byTime.name),
  );
  const hottest = indexes[0];
  return throughputCeilings({
    apiRateLimit: config.api.throttle.rateLimit,
    tasksPerRequest: 1,
    consumerMaximumConcurrency: config.consumer.maximumConcurrency,
    consumerBatchSize: config.consumer.batchSize,
    consumerInvocationSeconds: echo.consumerInvocationMs / 1000,
    consumerMessagesPerInvocation: echo.messagesPerConsumerInvocation,
    workflow: echo.workflow === "EXPRESS" ? "EXPRESS" : "STANDARD",
    standardTransitionsPerTask: echo.standardTransitions,
    lambdaSecondsPerTask:
      Object.values(perTask.lambda).reduce((sum, fn) => sum + fn.billedMs, 0) / 1000,
    tableWriteUnitsPerTask: perTask.dynamodb.tableWriteUnits,
    hottestIndex: hottest
      ? { name: hottest[0], writeUnitsPerTask: hottest[1], partitions: TASK_TABLE.listShards }
      : undefined,
  });
}

/**
 * The table's items, read straight from dynalite with `fetch` (which the request counter does
 * not see): their sizes bill the updates and reads of the run.
 */
async function scanTable(runtime: LocalRuntime): Promise<Item[]> {
  const items: Item[] = [];
  let start: unknown;
  do {
    const response = await fetch(runtime.dynamodbUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.Scan",
        // dynalite checks that a request is signed, not the signature.
        "x-amz-date": "20261201T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
      },
      body: JSON.stringify({
        TableName: runtime.tableName,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    });
    const page = (await response.json()) as {
      Items?: Item[];
      LastEvaluatedKey?: unknown;
      message?: string;
    };
    if (!response.ok)
      throw new Error(`scanning ${runtime.tableName}: ${page.message ?? response.status}`);
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A counted request, with its DynamoDB units when it is one (the meter replays it in order). */
function metered(
  meter: DynamoDbMeter,
  request: CountedRequest<InvocationRecord>,
): { request: CountedRequest<InvocationRecord>; units?: DynamoUnits } {
  if (request.service !== "DynamoDB") return { request };
  return {
    request,
    units: meter.meter({
      action: request.action,
      body: request.body,
      statusCode: request.statusCode,
      responseBytes: request.responseBytes,
    }),
  };
}
