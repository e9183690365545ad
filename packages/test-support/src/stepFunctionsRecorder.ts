import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

const TARGET_PREFIX = "AWSStepFunctions.";
const EXPRESS_EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:express:/;
const CONTENT_TYPE = "application/x-amz-json-1.0";

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A Step Functions endpoint for tests of code that starts, describes and stops executions: it
 * speaks the API's wire protocol (AWS JSON 1.0, errors as `__type`), so `@aws-sdk/client-sfn`
 * talks to it unchanged. It serves a STANDARD and an EXPRESS state machine with AWS's rules for
 * each, as the local runtime's endpoint in `@tasklane/local` does: on STANDARD the same name and
 * input while RUNNING returns that execution, with its `startDate`; a reuse with another input,
 * or once the execution ended, is `ExecutionAlreadyExists`; stopping or describing an unknown
 * execution is `ExecutionDoesNotExist`. On EXPRESS every start is a new execution
 * (`...:express:<machine>:<name>:<uuid>`), and DescribeExecution and StopExecution refuse its
 * ARNs (`InvalidArn`), ListExecutions its machine (`StateMachineTypeNotSupported`). It serves
 * StartExecution, DescribeExecution, StopExecution and ListExecutions (newest first, in one
 * page). Its executions run nothing: each stays RUNNING until `finish` or `StopExecution`. Tests
 * that need the workflow itself to run use the local runtime's endpoint.
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
  const expressPrefix = expressStateMachineArn.replace(":stateMachine:", ":express:");
  const executions = new Map<string, RecordedExecution>();
  let calls: StartCall[] = [];
  let requests: { action: string; arn: string }[] = [];
  let startsLeft: number | undefined;

  function machineType(arn: unknown): RecordedExecution["type"] {
    if (arn === stateMachineArn) return "STANDARD";
    if (arn === expressStateMachineArn) return "EXPRESS";
    throw new ApiError(
      "StateMachineDoesNotExist",
      `State Machine Does Not Exist: '${String(arn)}'`,
    );
  }

  const actions: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution(body) {
      const type = machineType(body.stateMachineArn);
      const machine = body.stateMachineArn as string;
      const name = typeof body.name === "string" ? body.name : randomUUID();
      const input = typeof body.input === "string" ? body.input : "{}";
      // Express dedupes no name: each start is an execution of its own.
      const executionArn =
        type === "EXPRESS"
          ? `${expressPrefix}:${name}:${randomUUID()}`
          : `${executionPrefix}:${name}`;
      const existing = executions.get(executionArn);
      const call = { stateMachineArn: machine, name, input };
      if (existing?.status === "RUNNING" && existing.input === input) {
        calls.push({ ...call, answer: "same-running-execution" });
        return { executionArn, startDate: epochSeconds(existing.startDate) };
      }
      if (existing) {
        calls.push({ ...call, answer: "ExecutionAlreadyExists" });
        throw new ApiError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
      }
      if (startsLeft !== undefined && startsLeft <= 0) {
        calls.push({ ...call, answer: "ThrottlingException" });
        throw new ApiError("ThrottlingException", "Rate exceeded");
      }
      if (startsLeft !== undefined) startsLeft -= 1;
      const execution: RecordedExecution = {
        executionArn,
        stateMachineArn: machine,
        type,
        name,
        input,
        status: "RUNNING",
        startDate: new Date(),
      };
      executions.set(executionArn, execution);
      calls.push({ ...call, answer: "started" });
      return { executionArn, startDate: epochSeconds(execution.startDate) };
    },
    DescribeExecution(body) {
      const { stopDate, startDate, type: _type, ...rest } = find(body.executionArn);
      return {
        ...rest,
        startDate: epochSeconds(startDate),
        ...(stopDate ? { stopDate: epochSeconds(stopDate) } : {}),
      };
    },
    ListExecutions(body) {
      if (machineType(body.stateMachineArn) === "EXPRESS") {
        throw new ApiError(
          "StateMachineTypeNotSupported",
          "This operation is not supported by this type of state machine",
        );
      }
      const matching = [...executions.values()]
        .filter((e) => e.stateMachineArn === stateMachineArn)
        .filter((e) => body.statusFilter === undefined || e.status === body.statusFilter)
        .reverse();
      return {
        executions: matching.map(({ executionArn, name, status, startDate, stopDate }) => ({
          executionArn,
          stateMachineArn,
          name,
          status,
          startDate: epochSeconds(startDate),
          ...(stopDate ? { stopDate: epochSeconds(stopDate) } : {}),
        })),
      };
    },
    StopExecution(body) {
      const execution = find(body.executionArn);
      if (execution.status === "RUNNING") {
        Object.assign(execution, {
          status: "ABORTED",
          stopDate: new Date(),
          ...(typeof body.error === "string" ? { error: body.error } : {}),
          ...(typeof body.cause === "string" ? { cause: body.cause } : {}),
        });
      }
      return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
    },
  };

  function find(executionArn: unknown): RecordedExecution {
    if (typeof executionArn === "string" && EXPRESS_EXECUTION_ARN.test(executionArn)) {
      // What AWS answers for an Express execution: it has no DescribeExecution or StopExecution.
      throw new ApiError(
        "InvalidArn",
        "Invalid Arn: 'Resource type not valid in this context: express'",
      );
    }
    const execution = typeof executionArn === "string" ? executions.get(executionArn) : undefined;
    if (!execution) {
      throw new ApiError(
        "ExecutionDoesNotExist",
        `Execution Does Not Exist: '${String(executionArn)}'`,
      );
    }
    return execution;
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { __type: "InternalFailure", message: String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers["x-amz-target"] ?? "");
    const action = target.startsWith(TARGET_PREFIX)
      ? actions[target.slice(TARGET_PREFIX.length)]
      : undefined;
    if (!action) {
      sendError(response, new ApiError("UnknownOperationException", `${target} is not served`));
      return;
    }
    try {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      requests.push({
        action: target.slice(TARGET_PREFIX.length),
        arn: String(body.executionArn ?? body.stateMachineArn ?? ""),
      });
      send(response, 200, action(body));
    } catch (error) {
      if (error instanceof ApiError) sendError(response, error);
      else throw error;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stateMachineArn,
    expressStateMachineArn,
    executions: () => [...executions.values()],
    startCalls: () => [...calls],
    requests: () => [...requests],
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
      requests = [];
      startsLeft = undefined;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiError): void {
  response.setHeader("x-amzn-errortype", error.code);
  send(response, 400, { __type: error.code, message: error.message });
}
