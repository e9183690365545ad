import { randomUUID } from "node:crypto";
import {
  EXPRESS_EXECUTION_ARN,
  type ExecutionDescription,
  type ServedStateMachine,
  startStepFunctionsEndpoint,
  stepFunctionsRefusals,
} from "@tasklane/emulators";

export type RecordedExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

/** One execution as `DescribeExecution` shows it. */
export interface RecordedExecution {
  executionArn: string;
  stateMachineArn: string;
  type: "STANDARD" | "EXPRESS";
  name: string;
  /** The input as it was sent, JSON text. */
  input: string;
  status: RecordedExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  error?: string;
  cause?: string;
}

/** What one `StartExecution` call was answered. */
export interface StartCall {
  stateMachineArn: string;
  name: string;
  /** The input as it was sent, JSON text: `{"task": ..., "run": ...}` from the consumer. */
  input: string;
  answer: "started" | "same-running-execution" | "ExecutionAlreadyExists" | "ThrottlingException";
}

export interface StepFunctionsRecorder {
  /** What `AWS_ENDPOINT_URL_SFN` points at. */
  readonly url: string;
  /** The STANDARD state machine served. */
  readonly stateMachineArn: string;
  /** The EXPRESS state machine served; any other ARN is `StateMachineDoesNotExist`. */
  readonly expressStateMachineArn: string;
  /** Every execution, in the order they started. */
  executions(): RecordedExecution[];
  /** Every `StartExecution` call, in order, with its answer. */
  startCalls(): StartCall[];
  /** Every call of any action, in order: its action and the ARN it named. */
  requests(): { action: string; arn: string }[];
  /** Ends a RUNNING execution, as its workflow finishing would. */
  finish(name: string, status: "SUCCEEDED" | "FAILED"): void;
  /**
   * Accepts only the next `starts` new executions and throttles every `StartExecution` after
   * them, as AWS does past an account's start rate; `undefined` lifts the limit.
   */
  limitStarts(starts: number | undefined): void;
  /** Forgets every execution and call, and lifts the limit. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A Step Functions endpoint for tests of code that starts, describes and stops executions: the
 * local runtime's endpoint (`@tasklane/emulators`: AWS JSON 1.0, errors as `__type`, so
 * `@aws-sdk/client-sfn` talks to it unchanged) serving a STANDARD and an EXPRESS state machine
 * that record instead of run, with AWS's rules for each: on STANDARD the same name and input
 * while RUNNING returns that execution, with its `startDate`; a reuse with another input, or once
 * the execution ended, is `ExecutionAlreadyExists`; stopping or describing an unknown execution
 * is `ExecutionDoesNotExist`. On EXPRESS every start is a new execution
 * (`...:express:<machine>:<name>:<uuid>`), and DescribeExecution and StopExecution refuse its
 * ARNs (`InvalidArn`), ListExecutions its machine (`StateMachineTypeNotSupported`).
 * ListExecutions answers newest first, in one page. Its executions run nothing: each stays
 * RUNNING until `finish` or `StopExecution`. Tests that need the workflow itself to run use the
 * local runtime's state machines.
 */
export async function startStepFunctionsRecorder(
  options: { stateMachineArn?: string; expressStateMachineArn?: string } = {},
): Promise<StepFunctionsRecorder> {
  const stateMachineArn =
    options.stateMachineArn ?? "arn:aws:states:us-east-1:123456789012:stateMachine:tasklane-test";
  const expressStateMachineArn =
    options.expressStateMachineArn ??
    "arn:aws:states:us-east-1:123456789012:stateMachine:tasklane-test-express";
  const executionPrefix = stateMachineArn.replace(":stateMachine:", ":execution:");
  const executions = new Map<string, RecordedExecution>();
  let calls: StartCall[] = [];
  let startsLeft: number | undefined;

  function find(executionArn: unknown): RecordedExecution {
    if (typeof executionArn === "string" && EXPRESS_EXECUTION_ARN.test(executionArn)) {
      throw stepFunctionsRefusals.expressExecution();
    }
    const execution = typeof executionArn === "string" ? executions.get(executionArn) : undefined;
    if (!execution) throw stepFunctionsRefusals.executionDoesNotExist(executionArn);
    return execution;
  }

  /** A machine that records its starts; the endpoint sends it the calls naming it. */
  function recordingMachine(
    arn: string,
    type: RecordedExecution["type"],
  ): ServedStateMachine<RecordedExecution> {
    const prefix = arn.replace(":stateMachine:", type === "EXPRESS" ? ":express:" : ":execution:");
    const assertServed = (requested: unknown) => {
      if (requested !== arn) throw stepFunctionsRefusals.stateMachineDoesNotExist(requested);
    };
    const mine = () => [...executions.values()].filter((e) => e.stateMachineArn === arn);
    return {
      stateMachineArn: arn,
      owns: (executionArn) => executionArn.startsWith(`${prefix}:`),
      startExecution(body) {
        assertServed(body.stateMachineArn);
        const name = typeof body.name === "string" ? body.name : randomUUID();
        const input = typeof body.input === "string" ? body.input : "{}";
        // Express dedupes no name: each start is an execution of its own.
        const executionArn =
          type === "EXPRESS" ? `${prefix}:${name}:${randomUUID()}` : `${prefix}:${name}`;
        const existing = executions.get(executionArn);
        const call = { stateMachineArn: arn, name, input };
        if (existing?.status === "RUNNING" && existing.input === input) {
          calls.push({ ...call, answer: "same-running-execution" });
          return { executionArn, startDate: existing.startDate };
        }
        if (existing) {
          calls.push({ ...call, answer: "ExecutionAlreadyExists" });
          throw stepFunctionsRefusals.executionAlreadyExists(executionArn);
        }
        if (startsLeft !== undefined && startsLeft <= 0) {
          calls.push({ ...call, answer: "ThrottlingException" });
          throw stepFunctionsRefusals.throttled();
        }
        if (startsLeft !== undefined) startsLeft -= 1;
        const execution: RecordedExecution = {
          executionArn,
          stateMachineArn: arn,
          type,
          name,
          input,
          status: "RUNNING",
          startDate: new Date(),
        };
        executions.set(executionArn, execution);
        calls.push({ ...call, answer: "started" });
        return { executionArn, startDate: execution.startDate };
      },
      describeExecution(body): ExecutionDescription {
        const { type: _type, ...description } = find(body.executionArn);
        return description;
      },
      stopExecution(body) {
        const execution = find(body.executionArn);
        if (execution.status === "RUNNING") {
          Object.assign(execution, {
            status: "ABORTED",
            stopDate: new Date(),
            ...(typeof body.error === "string" ? { error: body.error } : {}),
            ...(typeof body.cause === "string" ? { cause: body.cause } : {}),
          });
        }
        return { stopDate: execution.stopDate ?? new Date() };
      },
      listExecutions(body) {
        assertServed(body.stateMachineArn);
        if (type === "EXPRESS") {
          throw stepFunctionsRefusals.typeNotSupported();
        }
        const matching = mine()
          .filter((e) => body.statusFilter === undefined || e.status === body.statusFilter)
          .reverse();
        return {
          executions: matching.map(({ executionArn, name, status, startDate, stopDate }) => ({
            executionArn,
            stateMachineArn: arn,
            name,
            status,
            startDate,
            ...(stopDate ? { stopDate } : {}),
          })),
        };
      },
      executionSummaries: mine,
    };
  }

  const endpoint = await startStepFunctionsEndpoint([
    recordingMachine(stateMachineArn, "STANDARD"),
    recordingMachine(expressStateMachineArn, "EXPRESS"),
  ]);

  return {
    url: endpoint.url,
    stateMachineArn,
    expressStateMachineArn,
    executions: () => [...executions.values()],
    startCalls: () => [...calls],
    requests: () => endpoint.requests().map(({ action, arn }) => ({ action, arn: arn ?? "" })),
    finish(name, status) {
      const execution = find(`${executionPrefix}:${name}`);
      if (execution.status !== "RUNNING") throw new Error(`execution ${name} is not RUNNING`);
      Object.assign(execution, { status, stopDate: new Date() });
    },
    limitStarts(starts) {
      startsLeft = starts;
    },
    reset() {
      executions.clear();
      calls = [];
      endpoint.forgetRequests();
      startsLeft = undefined;
    },
    stop: () => endpoint.stop(),
  };
}
