import { AsyncLocalStorage } from "node:async_hooks";
import type { LambdaHandler, LocalFunction } from "@tasklane/local";
import { TakeList } from "./takeList.js";

/** One run of a handler, as Lambda would bill and log it. */
export interface InvocationRecord {
  /** The catalog name (`ingest`, `create-task`, ...). */
  functionName: string;
  memoryMb: number;
  /** Lambda's request id (`context.awsRequestId`). */
  requestId: string;
  /** Wall time of the handler, from its call to its answer (or throw). */
  durationMs: number;
  /** Bytes the handler wrote to stdout and stderr: what Lambda sends to CloudWatch Logs. */
  logBytes: number;
  ok: boolean;
}

export interface InvocationTap {
  /** Which invocation the running code belongs to (`undefined` outside every handler). */
  readonly context: AsyncLocalStorage<InvocationRecord>;
  /** Takes the invocations that ended since the last `take`. */
  take(): InvocationRecord[];
  /** Invocations running now. */
  readonly inFlight: number;
  /** Puts the handlers and the streams back. */
  stop(): void;
}

type Write = typeof process.stdout.write;

/**
 * Wraps every loaded handler of the local runtime so that each invocation runs in an
 * `AsyncLocalStorage` context of its own: the time it takes, the requests it makes (see
 * `startRequestCounter`) and the bytes it writes to stdout and stderr are its own even though
 * all functions share this process. Handler output is counted and swallowed (it is what Lambda
 * would ship to CloudWatch Logs); everything written outside a handler passes through.
 *
 * The handlers are the runtime's own (`LocalFunction.handler`, which a from-source rebuild also
 * replaces, or the one `LocalFunction.load` brings at the first invocation), so nothing in the
 * pipeline changes: each invocation is still one call of the same bundle.
 */
export function tapInvocations(functions: ReadonlyMap<string, LocalFunction>): InvocationTap {
  const context = new AsyncLocalStorage<InvocationRecord>();
  const ended = new TakeList<InvocationRecord>();
  let inFlight = 0;
  const originals = new Map<LocalFunction, Pick<LocalFunction, "handler" | "load">>();

  const tapped =
    (fn: LocalFunction, handler: LambdaHandler): LambdaHandler =>
    (event, lambdaContext) => {
      const record: InvocationRecord = {
        functionName: fn.name,
        memoryMb: fn.memoryMb,
        requestId: lambdaContext.awsRequestId,
        durationMs: 0,
        logBytes: 0,
        ok: false,
      };
      return context.run(record, async () => {
        inFlight += 1;
        const startedAt = performance.now();
        try {
          const result = await handler(event, lambdaContext);
          record.ok = true;
          return result;
        } finally {
          record.durationMs = performance.now() - startedAt;
          inFlight -= 1;
          ended.push(record);
        }
      });
    };
  for (const fn of functions.values()) {
    const { handler, load } = fn;
    originals.set(fn, { handler, load });
    // A handler loaded already, or the one its first invocation will load.
    if (handler) fn.handler = tapped(fn, handler);
    if (load) fn.load = async () => tapped(fn, await load());
  }

  const tap = (original: Write): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const record = context.getStore();
      if (!record) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      record.logBytes +=
        typeof chunk === "string"
          ? Buffer.byteLength(
              chunk,
              typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : "utf8",
            )
          : chunk.byteLength;
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    }) as Write;
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = tap(stdoutWrite.bind(process.stdout));
  process.stderr.write = tap(stderrWrite.bind(process.stderr));

  return {
    context,
    take: () => ended.take(),
    get inFlight() {
      return inFlight;
    },
    stop() {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      for (const [fn, { handler, load }] of originals) Object.assign(fn, { handler, load });
    },
  };
}
