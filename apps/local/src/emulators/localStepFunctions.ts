import { randomUUID } from "node:crypto";
import {
  EXPRESS_EXECUTION_ARN,
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionStatus,
  type ServedStateMachine,
  StepFunctionsApiError,
  stepFunctionsRefusals,
} from "@tasklane/emulators";
import { EXPRESS_EXECUTION_MAX_SECONDS } from "@tasklane/shared-task";
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import {
  LIST_EXECUTIONS_DEFAULT_RESULTS,
  LIST_EXECUTIONS_MAX_RESULTS,
  STATES_PAYLOAD_MAX_BYTES,
} from "../constants.js";

/** A state machine's type, as Step Functions names it. */
export type StateMachineType = "STANDARD" | "EXPRESS";

/** Statuses `ListExecutions` accepts as a filter (no local execution is ever PENDING_REDRIVE). */
const STATUS_FILTERS = [
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
  "PENDING_REDRIVE",
];

/** A state machine Task state bound to local code: the state's input in, the result out. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/**
 * One execution as the local runtime keeps it, for whoever bills or counts them (a benchmark):
 * what `DescribeExecution` would say, Express ones too, with its state transitions.
 */
export interface ExecutionSummary extends ExecutionListItem {
  type: StateMachineType;
  /**
   * State transitions so far, as Step Functions bills a STANDARD workflow: each state entered,
   * and each retry of one.
   */
  stateTransitions: number;
  error?: string;
}

/** One step of an execution's history, as it happens. */
export interface ExecutionTransition {
  type:
    | "ExecutionStarted"
    | "StateEntered"
    | "StateExited"
    | "StateFailed"
    | "StateRetried"
    | "StateCaught"
    | "ExecutionSucceeded"
    | "ExecutionFailed"
    | "ExecutionAborted"
    | "ExecutionTimedOut";
  timestamp: Date;
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  /** The type of the state machine it runs on (Express executions are billed by duration). */
  workflowType: StateMachineType;
  /** The execution's input, parsed: who it runs for (`task` in Tasklane's workflow). */
  input: unknown;
  /** The state entered, exited, failed, retried or caught. */
  state?: { name: string; type: string };
  /** The retry about to run: 1 for the first retry of a state. */
  retryAttempt?: number;
  /** The error of a failed state or execution, and its cause as Step Functions records it. */
  error?: string;
  cause?: string;
}

/** Test-only knobs of aws-local-stepfunctions; the local runtime never sets them by default. */
export type TimingOverrides = Pick<
  NonNullable<RunOptions["overrides"]>,
  "waitTimeOverrides" | "retryIntervalOverrides"
>;

export interface LocalStepFunctionsOptions {
  stateMachineArn: string;
  /**
   * `EXPRESS` behaves as AWS's Express workflows do: every start is a new execution (no name is
   * deduplicated), `DescribeExecution`, `StopExecution` and `ListExecutions` refuse it, and an
   * execution still running at `durationLimitMs` fails with `States.Timeout`.
   * @default "STANDARD"
   */
  type?: StateMachineType;
  /**
   * How long an EXPRESS execution may run; tests shorten it.
   * @default 300000 (AWS's 5 minutes)
   */
  durationLimitMs?: number;
  /** The Amazon States Language document; Tasklane passes `buildWorkflow()`'s. */
  definition: object;
  /** Each Task state's local code, by state name. */
  taskHandlers: Readonly<Record<string, TaskHandler>>;
  /** Pauses of Wait states and retriers, in milliseconds; for tests only. */
  timingOverrides?: TimingOverrides;
  onTransition?: (transition: ExecutionTransition) => void;
}

interface ExecutionRecord extends ExecutionDescription {
  /** Creation order, newest highest: the order `ListExecutions` pages through. */
  sequence: number;
  stateTransitions: number;
  abort?: () => void;
  /** The EXPRESS duration limit's timer. */
  limit?: NodeJS.Timeout;
}

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([A-Za-z0-9_-]{1,80})$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:.+$/;
// Step Functions refuses whitespace, brackets, wildcards, these punctuation marks and controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/**
 * The definitions (as JSON text) aws-local-stepfunctions has found valid in this process. Kept
 * on `globalThis`, not in this module, so that every instance of the module shares it: a test
 * runner that loads each test file's modules afresh (vitest's `"modules"` isolation) would
 * otherwise validate the same documents again in every file.
 */
const validDefinitions = processWide("tasklane.local.validDefinitions", () => new Set<string>());

/** The value registered under `key` for the whole process, made by `make` the first time. */
function processWide<T>(key: string, make: () => T): T {
  const registry = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(key);
  if (!(symbol in registry)) registry[symbol] = make();
  return registry[symbol] as T;
}

/**
 * aws-local-stepfunctions' state machine for `definition`, which it validates first (and throws
 * if invalid). The validator compiles its JSON schemas anew on every call, a few hundred
 * milliseconds of CPU, so a document it has already accepted is not validated again: every
 * runtime (and every test) builds its machines from the same few documents.
 */
function stateMachineOf(definition: object): StateMachine {
  const text = JSON.stringify(definition);
  const validated = validDefinitions.has(text);
  const machine = new StateMachine(
    definition as StateMachineDefinition,
    validated ? { validationOptions: { noValidate: true } } : undefined,
  );
  validDefinitions.add(text);
  return machine;
}

/**
 * Step Functions, for one STANDARD or EXPRESS state machine, in process: executions run the
 * definition in aws-local-stepfunctions with the Task states bound to local handlers, and the
 * four actions Tasklane uses behave as the AWS API documents them for that type, errors included.
 */
export class LocalStepFunctions implements ServedStateMachine<ExecutionSummary> {
  readonly stateMachineArn: string;
  readonly type: StateMachineType;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Set<Promise<void>>();
  private readonly inFlightTasks = new Set<Promise<unknown>>();
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    if (!STATE_MACHINE_ARN.test(options.stateMachineArn)) {
      throw new Error(`not a state machine ARN: ${options.stateMachineArn}`);
    }
    this.stateMachineArn = options.stateMachineArn;
    this.type = options.type ?? "STANDARD";
    this.machine = stateMachineOf(options.definition);
  }

  /** Whether `executionArn` names an execution of this state machine (existing or not). */
  owns(executionArn: string): boolean {
    return executionArn.startsWith(`${this.executionArnPrefix()}:`);
  }

  /**
   * Starts an execution. A STANDARD workflow's start is idempotent: the same name and input as
   * an execution still RUNNING returns that execution; any other reuse of a name is
   * `ExecutionAlreadyExists`. An EXPRESS workflow dedupes nothing: each start is an execution of
   * its own, its ARN the name and a UUID.
   */
  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): {
    executionArn: string;
    startDate: Date;
  } {
    this.assertOpen();
    this.assertStateMachine(request.stateMachineArn);
    const name = request.name === undefined ? randomUUID() : request.name;
    if (
      typeof name !== "string" ||
      name.length < 1 ||
      name.length > 80 ||
      INVALID_NAME_CHARACTER.test(name)
    ) {
      throw new StepFunctionsApiError("InvalidName", `Invalid Name: '${String(name)}'`);
    }
    const input = request.input === undefined ? "{}" : request.input;
    const parsedInput = parseInput(input);

    const executionArn = this.executionArnFor(name);
    const existing = this.type === "STANDARD" ? this.executions.get(executionArn) : undefined;
    if (existing) {
      if (existing.status === "RUNNING" && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw stepFunctionsRefusals.executionAlreadyExists(executionArn);
    }

    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      status: "RUNNING",
      startDate: new Date(),
      input: input as string,
      sequence: ++this.sequence,
      stateTransitions: 0,
    };
    this.executions.set(executionArn, record);
    this.run(record, parsedInput);
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(request: { executionArn?: unknown }): ExecutionDescription {
    const {
      sequence: _sequence,
      abort: _abort,
      limit: _limit,
      stateTransitions: _transitions,
      ...description
    } = this.find(request.executionArn);
    return description;
  }

  /**
   * Stops a RUNNING execution: it is ABORTED at once with the error and cause given, and no
   * further state runs. A handler already running finishes, as a Lambda invocation would, and
   * its result is discarded. Stopping an execution that already ended changes nothing.
   */
  stopExecution(request: { executionArn?: unknown; error?: unknown; cause?: unknown }): {
    stopDate: Date;
  } {
    const record = this.find(request.executionArn);
    this.abort(record, {
      ...(typeof request.error === "string" ? { error: request.error } : {}),
      ...(typeof request.cause === "string" ? { cause: request.cause } : {}),
    });
    return { stopDate: record.stopDate ?? new Date() };
  }

  /** Executions newest first, optionally of one status, `maxResults` at a time. */
  listExecutions(request: {
    stateMachineArn?: unknown;
    statusFilter?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
  }): { executions: ExecutionListItem[]; nextToken?: string } {
    this.assertStateMachine(request.stateMachineArn);
    if (this.type === "EXPRESS") {
      throw stepFunctionsRefusals.typeNotSupported();
    }
    const { statusFilter, maxResults = 0, nextToken } = request;
    if (statusFilter !== undefined && !STATUS_FILTERS.includes(statusFilter as string)) {
      throw validationError(
        "statusFilter",
        statusFilter,
        `Member must satisfy enum value set: [${STATUS_FILTERS.join(", ")}]`,
      );
    }
    if (
      typeof maxResults !== "number" ||
      !Number.isInteger(maxResults) ||
      maxResults < 0 ||
      maxResults > LIST_EXECUTIONS_MAX_RESULTS
    ) {
      throw validationError(
        "maxResults",
        maxResults,
        `Member must have value less than or equal to ${LIST_EXECUTIONS_MAX_RESULTS}`,
      );
    }
    const before = nextToken === undefined ? Number.POSITIVE_INFINITY : parseToken(nextToken);
    const pageSize = maxResults === 0 ? LIST_EXECUTIONS_DEFAULT_RESULTS : maxResults;
    const matching = [...this.executions.values()]
      .filter((e) => e.sequence < before && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.sequence - a.sequence);
    const page = matching.slice(0, pageSize);
    const last = page.at(-1);
    return {
      executions: page.map(
        ({ executionArn, stateMachineArn, name, status, startDate, stopDate }) => ({
          executionArn,
          stateMachineArn,
          name,
          status,
          startDate,
          ...(stopDate ? { stopDate } : {}),
        }),
      ),
      ...(matching.length > pageSize && last ? { nextToken: tokenFor(last.sequence) } : {}),
    };
  }

  /** Every execution, in the order they started, with its type and state transitions. */
  executionSummaries(): ExecutionSummary[] {
    return [...this.executions.values()].map((e) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      ...(e.stopDate ? { stopDate: e.stopDate } : {}),
      type: this.type,
      stateTransitions: e.stateTransitions,
      ...(e.error !== undefined ? { error: e.error } : {}),
    }));
  }

  /** Executions not yet ended. */
  get runningCount(): number {
    return [...this.executions.values()].filter((e) => e.status === "RUNNING").length;
  }

  /**
   * Refuses new executions, aborts the running ones and waits for handlers still running to
   * finish, so nothing touches storage after the runtime stops.
   */
  async stop(): Promise<void> {
    this.closed = true;
    for (const record of this.executions.values()) {
      this.abort(record, { error: "LocalRuntimeStopped", cause: "the local runtime stopped" });
    }
    await Promise.allSettled([...this.running, ...this.inFlightTasks]);
  }

  private run(record: ExecutionRecord, input: unknown): void {
    const execution = this.machine.run(input as never, {
      overrides: {
        ...this.options.timingOverrides,
        taskResourceLocalHandlers: this.taskHandlersFor(record) as never,
      },
    });
    record.abort = execution.abort;
    if (this.type === "EXPRESS") {
      const limitMs = this.options.durationLimitMs ?? EXPRESS_EXECUTION_MAX_SECONDS * 1000;
      record.limit = setTimeout(() => this.timeOut(record, limitMs), limitMs);
      record.limit.unref();
    }
    const settled = execution.result.then(
      (output) => this.settle(record, { status: "SUCCEEDED", output: JSON.stringify(output) }),
      (error: unknown) => this.settle(record, outcomeOf(error)),
    );
    const history = this.follow(record, input, execution.eventLogs);
    const done = Promise.all([settled, history]).then(() => undefined);
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }

  /**
   * The Task handlers of one execution. aws-local-stepfunctions resumes a retrier's pause early
   * when the execution is aborted and would call the handler once more; Step Functions would not,
   * so a stopped execution's handlers refuse to run.
   */
  private taskHandlersFor(record: ExecutionRecord): Record<string, TaskHandler> {
    return Object.fromEntries(
      Object.entries(this.options.taskHandlers).map(([state, handler]) => [
        state,
        (stateInput: unknown) => {
          if (record.status !== "RUNNING") {
            return Promise.reject(new Error(`execution ${record.name} is no longer running`));
          }
          const invocation = handler(stateInput);
          this.inFlightTasks.add(invocation);
          void invocation.then(
            () => this.inFlightTasks.delete(invocation),
            () => this.inFlightTasks.delete(invocation),
          );
          return invocation;
        },
      ]),
    );
  }

  /** Turns aws-local-stepfunctions' event log into transitions for whoever listens. */
  private async follow(
    record: ExecutionRecord,
    input: unknown,
    events: ReturnType<StateMachine["run"]>["eventLogs"],
  ): Promise<void> {
    for await (const event of events) {
      const base = {
        timestamp: new Date(event.timestamp),
        executionArn: record.executionArn,
        executionName: record.name,
        stateMachineArn: record.stateMachineArn,
        workflowType: this.type,
        input,
      };
      if (event.type === "StateEntered" || event.type === "StateRetried") {
        record.stateTransitions += 1;
      }
      switch (event.type) {
        case "ExecutionStarted":
        case "ExecutionSucceeded":
          this.emit({ ...base, type: event.type });
          break;
        case "ExecutionFailed":
          this.emit({ ...base, type: event.type, error: event.Error, cause: String(event.Cause) });
          break;
        case "ExecutionAborted":
          // The duration limit ends an EXPRESS execution by aborting its run.
          if (record.status === "TIMED_OUT") {
            this.emit({ ...base, type: "ExecutionTimedOut", error: "States.Timeout" });
            break;
          }
          this.emit({
            ...base,
            type: event.type,
            ...(record.error ? { error: record.error } : {}),
            ...(record.cause ? { cause: record.cause } : {}),
          });
          break;
        case "ExecutionTimeout":
          this.emit({ ...base, type: "ExecutionTimedOut", error: "States.Timeout" });
          break;
        case "StateEntered":
        case "StateExited":
          this.emit({ ...base, type: event.type, state: stateOf(event.state) });
          break;
        case "StateFailed":
          this.emit({
            ...base,
            type: event.type,
            state: stateOf(event.state),
            error: event.Error,
            cause: String(event.Cause),
          });
          break;
        case "StateRetried":
          this.emit({
            ...base,
            type: event.type,
            state: stateOf(event.state),
            retryAttempt: event.retry.attempt,
          });
          break;
        case "StateCaught":
          this.emit({ ...base, type: event.type, state: stateOf(event.state) });
          break;
        default:
          // Map and Parallel events: Tasklane's workflow has neither.
          break;
      }
    }
  }

  private emit(transition: ExecutionTransition): void {
    try {
      this.options.onTransition?.(transition);
    } catch {
      // A listener's failure must not break the execution it listens to.
    }
  }

  private abort(record: ExecutionRecord, reason: Pick<Outcome, "error" | "cause">): void {
    if (record.status !== "RUNNING") return;
    const abort = record.abort;
    this.settle(record, { status: "ABORTED", ...reason });
    abort?.();
  }

  /** An EXPRESS execution past its duration limit fails, as AWS ends it, with States.Timeout. */
  private timeOut(record: ExecutionRecord, limitMs: number): void {
    if (record.status !== "RUNNING") return;
    const abort = record.abort;
    this.settle(record, {
      status: "TIMED_OUT",
      error: "States.Timeout",
      cause: `the Express execution ran for ${limitMs / 1000} s, its limit`,
    });
    abort?.();
  }

  /** Records how an execution ended, once: the first ending (a stop, a result) wins. */
  private settle(record: ExecutionRecord, outcome: Outcome): void {
    if (record.status !== "RUNNING") return;
    Object.assign(record, outcome, { stopDate: new Date() });
    delete record.abort;
    clearTimeout(record.limit);
    delete record.limit;
  }

  private find(executionArn: unknown): ExecutionRecord {
    if (typeof executionArn === "string" && EXPRESS_EXECUTION_ARN.test(executionArn)) {
      // AWS's answer to DescribeExecution and StopExecution of an Express execution: neither is
      // supported for it, and the ARN's resource type (`express`) is what it refuses.
      throw stepFunctionsRefusals.expressExecution();
    }
    if (typeof executionArn !== "string" || !EXECUTION_ARN.test(executionArn)) {
      throw new StepFunctionsApiError("InvalidArn", `Invalid Arn: '${String(executionArn)}'`);
    }
    const record = this.executions.get(executionArn);
    if (!record) {
      throw stepFunctionsRefusals.executionDoesNotExist(executionArn);
    }
    return record;
  }

  private assertStateMachine(arn: unknown): void {
    if (typeof arn !== "string" || !STATE_MACHINE_ARN.test(arn)) {
      throw new StepFunctionsApiError("InvalidArn", `Invalid Arn: '${String(arn)}'`);
    }
    if (arn !== this.stateMachineArn) {
      throw stepFunctionsRefusals.stateMachineDoesNotExist(arn);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new StepFunctionsApiError(
        "ServiceUnavailable",
        "the local Step Functions runtime has stopped",
        503,
      );
    }
  }

  /** `...:execution:<machine>` (STANDARD) or `...:express:<machine>` (EXPRESS). */
  private executionArnPrefix(): string {
    const kind = this.type === "EXPRESS" ? ":express:" : ":execution:";
    return this.stateMachineArn.replace(":stateMachine:", kind);
  }

  private executionArnFor(name: string): string {
    const suffix = this.type === "EXPRESS" ? `:${randomUUID()}` : "";
    return `${this.executionArnPrefix()}:${name}${suffix}`;
  }
}

type Outcome = Partial<Pick<ExecutionDescription, "output" | "error" | "cause">> & {
  status: ExecutionStatus;
};

/** How a run that did not succeed ended. */
function outcomeOf(error: unknown): Outcome {
  if (error instanceof ExecutionAbortedError) return { status: "ABORTED" };
  if (error instanceof ExecutionTimeoutError) {
    return { status: "TIMED_OUT", error: "States.Timeout" };
  }
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    return { status: "FAILED", error: error.cause.name, cause: error.cause.message };
  }
  return { status: "FAILED", error: "States.Runtime", cause: String(error) };
}

function parseInput(input: unknown): unknown {
  if (typeof input !== "string") {
    throw new StepFunctionsApiError(
      "InvalidExecutionInput",
      "Invalid State Machine Execution Input: input must be a JSON string",
    );
  }
  if (Buffer.byteLength(input) > STATES_PAYLOAD_MAX_BYTES) {
    throw validationError(
      "input",
      "<input>",
      `Member must have length less than or equal to ${STATES_PAYLOAD_MAX_BYTES}`,
    );
  }
  try {
    return JSON.parse(input) as unknown;
  } catch (error) {
    throw new StepFunctionsApiError(
      "InvalidExecutionInput",
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}

function stateOf(state: { name: string; type: string }) {
  return { name: state.name, type: state.type };
}

function validationError(field: string, value: unknown, constraint: string) {
  return new StepFunctionsApiError(
    "ValidationException",
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

function tokenFor(sequence: number): string {
  return Buffer.from(JSON.stringify({ before: sequence })).toString("base64url");
}

function parseToken(token: unknown): number {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as {
      before?: unknown;
    };
    if (typeof parsed.before === "number" && Number.isInteger(parsed.before)) return parsed.before;
  } catch {
    // Falls through to the error below.
  }
  throw new StepFunctionsApiError("InvalidToken", `Invalid Token: '${String(token)}'`);
}
