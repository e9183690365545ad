import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { StepFunctionsApiError } from "./errors.js";
import { closeServer, listen, readBody } from "./httpServer.js";
import { stepFunctionsRefusals } from "./stepFunctionsRefusals.js";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** What `DescribeExecution` answers. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The input as it was given, JSON text. */
  input: string;
  /** The output, JSON text, once SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
}

/** One item of `ListExecutions`. */
export type ExecutionListItem = Pick<
  ExecutionDescription,
  "executionArn" | "stateMachineArn" | "name" | "status" | "startDate" | "stopDate"
>;

/** The least an execution summary carries: `executions()` orders them by start. */
export interface DatedSummary {
  startDate: Date;
}

/**
 * One state machine behind the endpoint: the four actions as the API documents them, taking the
 * request's JSON body and throwing `StepFunctionsApiError` for the API's errors. The local
 * runtime's machines run the workflow; the tests' recorder runs nothing.
 */
export interface ServedStateMachine<Summary extends DatedSummary = DatedSummary> {
  readonly stateMachineArn: string;
  /** Whether `executionArn` names an execution of this state machine (existing or not). */
  owns(executionArn: string): boolean;
  startExecution(request: Record<string, unknown>): { executionArn: string; startDate: Date };
  describeExecution(request: Record<string, unknown>): ExecutionDescription;
  stopExecution(request: Record<string, unknown>): { stopDate: Date };
  listExecutions(request: Record<string, unknown>): {
    executions: ExecutionListItem[];
    nextToken?: string;
  };
  /** Every execution, in the order they started. */
  executionSummaries(): Summary[];
}

type SummaryOf<M> = M extends ServedStateMachine<infer Summary> ? Summary : never;

/**
 * How the endpoint misbehaves on purpose, to show what callers do while Step Functions is down:
 * `unavailable` answers every call with 503 `ServiceUnavailable`, `connection-reset` drops every
 * connection without an answer, and `start-throttled` refuses only `StartExecution` with
 * `ThrottlingException` (as AWS does past an account's start rate) while serving the rest.
 */
export type StepFunctionsOutage = "unavailable" | "connection-reset" | "start-throttled";

/** One call the endpoint answered: its action, the ARN it named, and the error if it failed. */
export interface StepFunctionsRequest {
  action: string;
  /** The `executionArn`, else the `stateMachineArn` of the request. */
  arn?: string;
  /** The `__type` of the error answered, if any. */
  error?: string;
}

export interface StepFunctionsEndpoint<M extends ServedStateMachine = ServedStateMachine> {
  /** What `AWS_ENDPOINT_URL_SFN` points at. */
  readonly url: string;
  readonly port: number;
  /** The first state machine served: the Standard one, in the local runtime. */
  readonly stepFunctions: M;
  /** Every state machine served, at its own ARN. */
  readonly machines: readonly M[];
  /** Every execution of every state machine, in the order they started. */
  executions(): SummaryOf<M>[];
  /** The latest calls answered (up to 10,000), oldest first: which action named which ARN. */
  requests(): StepFunctionsRequest[];
  /** Forgets the calls answered so far, for a test that starts a case afresh. */
  forgetRequests(): void;
  /** Starts (or, with `undefined`, ends) an outage. */
  setOutage(outage: StepFunctionsOutage | undefined): void;
  readonly outage: StepFunctionsOutage | undefined;
  /** Closes the server; the executions are the machines' to stop. */
  stop(): Promise<void>;
}

/** Largest request body accepted: a 256 KiB input, escaped in JSON, with room to spare. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
/** How many calls `requests()` remembers: enough for a test, bounded for a long `pnpm dev`. */
const REQUEST_LOG_LENGTH = 10_000;
const TARGET_PREFIX = "AWSStepFunctions.";
const CONTENT_TYPE = "application/x-amz-json-1.0";

type Action = (sfn: ServedStateMachine, body: Record<string, unknown>) => unknown;

/** The API actions served, with their answers in the JSON 1.0 shapes (dates as epoch seconds). */
const ACTIONS: Record<string, Action> = {
  StartExecution: (sfn, body) => {
    const started = sfn.startExecution(body);
    return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
  },
  DescribeExecution: (sfn, body) => describeShape(sfn.describeExecution(body)),
  StopExecution: (sfn, body) => ({ stopDate: epochSeconds(sfn.stopExecution(body).stopDate) }),
  ListExecutions: (sfn, body) => {
    const page = sfn.listExecutions(body);
    return {
      executions: page.executions.map((e) => ({
        ...e,
        startDate: epochSeconds(e.startDate),
        ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
      })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};

/**
 * Serves state machines over the Step Functions API's wire protocol (AWS JSON 1.0:
 * `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`; errors as HTTP 400 with a JSON
 * `__type` and `message`), so `@aws-sdk/client-sfn` talks to it unchanged: each request goes to
 * the state machine its `stateMachineArn` or `executionArn` names, and one no machine owns gets
 * the first one's answer (`StateMachineDoesNotExist`, `ExecutionDoesNotExist`, `InvalidArn`).
 * Credentials and signatures are not checked.
 */
export async function startStepFunctionsEndpoint<M extends ServedStateMachine>(
  served: M | readonly M[],
  options: { port?: number; host?: string } = {},
): Promise<StepFunctionsEndpoint<M>> {
  const machines: readonly M[] = Array.isArray(served) ? served : [served as M];
  const [head] = machines;
  if (head === undefined) throw new Error("the Step Functions endpoint needs a state machine");
  const first: M = head;
  const host = options.host ?? "127.0.0.1";
  let outage: StepFunctionsOutage | undefined;
  const requestLog: StepFunctionsRequest[] = [];

  /** The state machine a request is for. */
  function machineFor(body: Record<string, unknown>): M {
    const { stateMachineArn, executionArn } = body;
    const owner =
      typeof executionArn === "string"
        ? machines.find((m) => m.owns(executionArn))
        : machines.find((m) => m.stateMachineArn === stateMachineArn);
    return owner ?? first;
  }

  function logRequest(entry: StepFunctionsRequest): void {
    requestLog.push(entry);
    if (requestLog.length > REQUEST_LOG_LENGTH) requestLog.shift();
  }

  const server = createServer((request, response) => {
    if (outage === "connection-reset") {
      request.socket.destroy();
      return;
    }
    handle(request, response).catch((error: unknown) => {
      sendError(response, new StepFunctionsApiError("InternalFailure", String(error), 500));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const read = await readBody(request, MAX_REQUEST_BYTES);
    if (outage === "unavailable") {
      sendError(
        response,
        new StepFunctionsApiError("ServiceUnavailable", "Service Unavailable", 503),
      );
      return;
    }
    if (read.tooLarge) {
      sendError(response, new StepFunctionsApiError("ValidationException", "Request too large"));
      return;
    }
    const target = String(request.headers["x-amz-target"] ?? "");
    if (outage === "start-throttled" && target === `${TARGET_PREFIX}StartExecution`) {
      sendError(response, stepFunctionsRefusals.throttled());
      return;
    }
    const action = target.startsWith(TARGET_PREFIX)
      ? ACTIONS[target.slice(TARGET_PREFIX.length)]
      : undefined;
    if (request.method !== "POST" || !action) {
      sendError(
        response,
        new StepFunctionsApiError(
          "UnknownOperationException",
          `operation ${target || "(none)"} is not served by the local Step Functions endpoint`,
        ),
      );
      return;
    }
    let body: unknown;
    try {
      body = read.body.byteLength === 0 ? {} : JSON.parse(read.body.toString("utf8"));
    } catch {
      sendError(response, new StepFunctionsApiError("SerializationException", "Malformed JSON"));
      return;
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      sendError(
        response,
        new StepFunctionsApiError("SerializationException", "Expected a JSON object"),
      );
      return;
    }
    const call = body as Record<string, unknown>;
    const named = call.executionArn ?? call.stateMachineArn;
    const entry: StepFunctionsRequest = {
      action: target.slice(TARGET_PREFIX.length),
      ...(typeof named === "string" ? { arn: named } : {}),
    };
    try {
      const answer = action(machineFor(call), call);
      logRequest(entry);
      send(response, 200, answer);
    } catch (error) {
      if (!(error instanceof StepFunctionsApiError)) throw error;
      logRequest({ ...entry, error: error.code });
      sendError(response, error);
    }
  }

  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${host}:${port}`,
    port,
    stepFunctions: first,
    machines,
    executions: () =>
      machines
        .flatMap((m) => m.executionSummaries() as SummaryOf<M>[])
        .sort((a, b) => a.startDate.getTime() - b.startDate.getTime()),
    requests: () => [...requestLog],
    forgetRequests() {
      requestLog.length = 0;
    },
    setOutage(next) {
      outage = next;
      // Kept-alive connections would otherwise outlive the switch to a reset.
      if (next === "connection-reset") server.closeIdleConnections();
    },
    get outage() {
      return outage;
    },
    stop: () => closeServer(server),
  };
}

function describeShape(execution: ExecutionDescription) {
  return {
    ...execution,
    startDate: epochSeconds(execution.startDate),
    ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
    inputDetails: { included: true },
    ...(execution.output !== undefined ? { outputDetails: { included: true } } : {}),
  };
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: StepFunctionsApiError): void {
  if (response.headersSent) return;
  response.setHeader("x-amzn-errortype", error.code);
  send(response, error.statusCode, { __type: error.code, message: error.message });
}
