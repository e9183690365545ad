import { parseExecutionName } from "@tasklane/shared-task";
import type { ExecutionTransition } from "./emulators/localStepFunctions.js";
import type { LocalRuntimeEvent } from "./types.js";

/** Longest error text on a log line. */
const MESSAGE_MAX_LENGTH = 240;
const TYPE_WIDTH = 10;

/**
 * Turns the runtime's events into the `pnpm dev` log, one readable line each: the time, the
 * task (last 8 characters of its id, which are random where the first ones are a timestamp),
 * its type and what happened. Instantaneous states (Choice) and exits are left out; requests,
 * failed batches, function errors and rebuilds have lines of their own.
 */
export class RuntimeLog {
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly options: { quiet?: boolean } = {}) {}

  /** The line for an event, or `undefined` when it makes none. */
  format(event: LocalRuntimeEvent): string | undefined {
    const quiet = this.options.quiet ?? false;
    switch (event.kind) {
      case "transition":
        return quiet ? undefined : this.transitionLine(event.transition);
      case "request": {
        if (quiet) return undefined;
        const { method, path, statusCode, durationMs, location } = event.request;
        // The Location of a 202 names the task, so its later lines can be traced to the request.
        const where = location ? `  Location: ${location}` : "";
        return `${clock(new Date())}  ${method} ${path} → ${statusCode} (${durationMs} ms)${where}`;
      }
      case "batch": {
        const { batch } = event;
        if (batch.failed === 0) return undefined;
        const why = batch.error ? `: ${shorten(batch.error)}` : "";
        return `${clock(new Date())}  SQS batch of ${batch.size} → ${batch.functionName}: ${batch.failed} left for redelivery${why}`;
      }
      case "function-error":
        return `${clock(new Date())}  ✗ ${event.functionName}: ${event.errorType}: ${shorten(event.errorMessage)}`;
      case "rebuild":
        return event.ok
          ? `${clock(new Date())}  rebuilt and reloaded: ${event.functions.join(", ")}`
          : `${clock(new Date())}  rebuild failed (the previous handlers keep running):\n  ${event.errors.join("\n  ")}`;
      case "warning":
        return `${clock(new Date())}  warning: ${event.message}`;
    }
  }

  private transitionLine(t: ExecutionTransition): string | undefined {
    const what = this.describe(t);
    if (what === undefined) return undefined;
    const parsed = parseExecutionName(t.executionName);
    const task = (t.input as { task?: { type?: unknown } } | null)?.task;
    const who = parsed ? `task ${parsed.taskId.slice(-8)}` : `execution ${t.executionName}`;
    const type = typeof task?.type === "string" ? task.type : "";
    return `${clock(t.timestamp)}  ${who}  ${type.padEnd(TYPE_WIDTH)}  ${what}`;
  }

  private describe(t: ExecutionTransition): string | undefined {
    const state = t.state?.name ?? "";
    switch (t.type) {
      case "ExecutionStarted": {
        this.startedAt.set(t.executionArn, t.timestamp.getTime());
        const parsed = parseExecutionName(t.executionName);
        return parsed
          ? `started: ${parsed.taskId} generation ${parsed.generation}`
          : `started: ${t.executionName}`;
      }
      case "StateEntered":
        return t.state?.type === "Choice" || t.state?.type === "Succeed" || t.state?.type === "Fail"
          ? undefined
          : `→ ${state}`;
      case "StateFailed":
        // A Fail state "fails" by design; the execution's own line says how it ended.
        return t.state?.type === "Fail"
          ? undefined
          : `✗ ${state}: ${t.error}: ${shorten(causeMessage(t.cause))}`;
      case "StateRetried":
        return `↻ ${state} retry ${t.retryAttempt}`;
      case "ExecutionSucceeded":
        return `succeeded${this.took(t)}`;
      case "ExecutionFailed":
        return `failed${this.took(t)}: ${t.error}: ${shorten(causeMessage(t.cause))}`;
      case "ExecutionAborted":
        return `stopped${this.took(t)}${t.error ? `: ${t.error}` : ""}${t.cause ? `: ${shorten(t.cause)}` : ""}`;
      case "ExecutionTimedOut":
        return `timed out${this.took(t)}`;
      default:
        return undefined;
    }
  }

  private took(t: ExecutionTransition): string {
    const started = this.startedAt.get(t.executionArn);
    this.startedAt.delete(t.executionArn);
    return started === undefined ? "" : ` in ${t.timestamp.getTime() - started} ms`;
  }
}

/** A Lambda error's cause is the runtime's JSON report; its message is what people want. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return "";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= MESSAGE_MAX_LENGTH
    ? oneLine
    : `${oneLine.slice(0, MESSAGE_MAX_LENGTH - 1)}…`;
}

/** `HH:MM:SS.mmm`, local time. */
function clock(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
