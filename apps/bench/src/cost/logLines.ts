import type { ExecutionTransition } from "@tasklane/local";
import { lambdaBilledMs } from "./costReport.js";

/**
 * Bytes of the log lines AWS itself writes to CloudWatch Logs around what the handlers write:
 * Lambda's platform lines per invocation, API Gateway's access log line per request, and the
 * state machine's execution events. Each is rendered in the format AWS uses, with the counted
 * invocation's, request's or event's own values where the run has them and fixed-width
 * stand-ins where it does not (trace ids, the caller's IP, memory used), and measured.
 */

/**
 * Lambda's START, END and REPORT lines (Text log format), and X-Ray's with active tracing; none
 * at a system log level of WARN (`tasklane:logs.systemLevel`), which a normal invocation reaches
 * with no line of Lambda's own.
 */
export function lambdaPlatformLogBytes(
  invocation: { requestId: string; durationMs: number; memoryMb: number },
  options: { tracing: boolean; systemLevel: "INFO" | "WARN" },
): number {
  if (options.systemLevel === "WARN") return 0;
  const id = invocation.requestId;
  const billed = lambdaBilledMs(invocation.durationMs);
  const lines = [
    `START RequestId: ${id} Version: $LATEST\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: ${invocation.durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${invocation.memoryMb} MB\tMax Memory Used: 100 MB\t\n`,
  ];
  if (options.tracing) {
    lines.push(
      `XRAY TraceId: 1-674cd5f4-3c0f1d2e4b5a69788796a5b4\tSegmentId: 6f1e2d3c4b5a6978\tSampled: true\t\n`,
    );
  }
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
}

/**
 * One access log line of the stack's HTTP API, in the fields of `ACCESS_LOG_FORMAT`
 * (infra/components/taskApi.ts), as API Gateway fills them for a SigV4 caller.
 */
export function apiAccessLogBytes(request: {
  routeKey: string;
  path: string;
  statusCode: number;
  durationMs: number;
  callerArn: string;
}): number {
  const line = JSON.stringify({
    requestId: "Jd8xRgYFoAMEbDw=",
    requestTime: "01/Dec/2026:21:24:04 +0000",
    ip: "203.0.113.10",
    caller: "AIDAJQABLZS4A3QDU576Q",
    userArn: request.callerArn,
    jwtSubject: "-",
    routeKey: request.routeKey,
    path: request.path,
    protocol: "HTTP/1.1",
    status: String(request.statusCode),
    responseLength: "84",
    latencyMs: String(Math.round(request.durationMs)),
    integrationStatus: String(request.statusCode),
    integrationLatencyMs: String(Math.max(0, Math.round(request.durationMs) - 2)),
    integrationError: "-",
    authorizerError: "-",
    error: "-",
  });
  return Buffer.byteLength(`${line}\n`);
}

/** The state machine's CloudWatch Logs level (`tasklane:workflow.logLevel`). */
export type StateMachineLogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";

const ERROR_EVENTS = new Set([
  "LambdaFunctionFailed",
  "LambdaFunctionTimedOut",
  "ExecutionFailed",
  "ExecutionAborted",
  "ExecutionTimedOut",
]);
const FATAL_EVENTS = new Set(["ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]);

/**
 * The history events Step Functions logs for one local transition: a Task state's entry is
 * `TaskStateEntered`, `LambdaFunctionScheduled` and `LambdaFunctionStarted`, its exit
 * `LambdaFunctionSucceeded` and `TaskStateExited`, a retry schedules and starts the function
 * again; other states log `<Type>StateEntered` and `<Type>StateExited`.
 */
export function historyEventsOf(transition: ExecutionTransition): string[] {
  const stateType = transition.state?.type ?? "";
  const isTask = stateType === "Task";
  switch (transition.type) {
    case "ExecutionStarted":
    case "ExecutionSucceeded":
    case "ExecutionFailed":
    case "ExecutionAborted":
    case "ExecutionTimedOut":
      return [transition.type];
    case "StateEntered":
      return isTask
        ? ["TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"]
        : [`${stateType}StateEntered`];
    case "StateExited":
      return isTask ? ["LambdaFunctionSucceeded", "TaskStateExited"] : [`${stateType}StateExited`];
    case "StateFailed":
      return isTask ? ["LambdaFunctionFailed"] : [];
    case "StateRetried":
      return ["LambdaFunctionScheduled", "LambdaFunctionStarted"];
    case "StateCaught":
      return [];
  }
}

/**
 * Bytes the state machine's log group receives for these transitions at `level`: every history
 * event at `ALL`, failures at `ERROR`, the execution's own failure at `FATAL`. With
 * `includeExecutionData`, events carry their input or output: the execution's input stands in
 * for each state's (a state's own adds the last step's result, a little more).
 */
export function stateMachineLogBytes(
  transitions: readonly ExecutionTransition[],
  options: { level: StateMachineLogLevel; includeExecutionData: boolean },
): number {
  if (options.level === "OFF") return 0;
  let bytes = 0;
  let id = 0;
  for (const transition of transitions) {
    const payload = JSON.stringify(transition.input ?? {});
    for (const type of historyEventsOf(transition)) {
      id += 1;
      if (options.level === "ERROR" && !ERROR_EVENTS.has(type)) continue;
      if (options.level === "FATAL" && !FATAL_EVENTS.has(type)) continue;
      const details: Record<string, unknown> = {};
      if (transition.state) details.name = transition.state.name;
      if (transition.error !== undefined) details.error = transition.error;
      if (transition.cause !== undefined) details.cause = transition.cause;
      const carriesOutput = /Exited|Succeeded/.test(type);
      const field = carriesOutput ? "output" : "input";
      if (!ERROR_EVENTS.has(type)) {
        if (options.includeExecutionData) details[field] = payload;
        details[`${field}Details`] = { truncated: false };
      }
      const line = JSON.stringify({
        id: String(id),
        type,
        details,
        previous_event_id: String(id - 1),
        event_timestamp: String(transition.timestamp.getTime()),
        execution_arn: transition.executionArn,
        redrive_count: "0",
      });
      bytes += Buffer.byteLength(`${line}\n`);
    }
  }
  return bytes;
}
