import type { Context } from "aws-lambda";
import type { ExecutionTransition } from "./emulators/localStepFunctions.js";

/** A Lambda handler as a bundle exports it: `handler(event, context)`, async or not. */
export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** One Lambda function of the catalog, as the local runtime runs it. */
export interface LocalFunction {
  /** The catalog name (`ingest`): the bundle folder. */
  readonly name: string;
  /** The physical name the Pulumi program gives it (`tasklane-dev-ingest`). */
  readonly functionName: string;
  readonly arn: string;
  /** Lambda's timeout: an invocation that runs longer fails with `Sandbox.Timedout`. */
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The loaded handler; replaced when a from-source build changes, absent until loaded. */
  handler?: LambdaHandler | undefined;
  /**
   * Loads the handler at the function's first invocation, as Lambda's init phase does (a
   * bundle's module, imported as a new instance); absent when `handler` is set up front.
   */
  load?: (() => Promise<LambdaHandler>) | undefined;
}

/** What happened to one HTTP request the local API answered. */
export interface RequestReport {
  method: string;
  path: string;
  /** The route that served it, `$default`, or none (404 without a `$default` route). */
  routeKey?: string;
  statusCode: number;
  durationMs: number;
  /** The answer's `Location` header: where an accepted task can be read. */
  location?: string;
}

/** What happened to one batch the event source mapping handed to its function. */
export interface BatchReport {
  functionName: string;
  size: number;
  /** Messages left for redelivery: failed items, or the whole batch when the invocation failed. */
  failed: number;
  durationMs: number;
  /** Why the whole batch failed, when it did. */
  error?: string;
}

/** Everything the local runtime tells its caller, one event per line of the `pnpm dev` log. */
export type LocalRuntimeEvent =
  | { kind: "transition"; transition: ExecutionTransition }
  | { kind: "request"; request: RequestReport }
  | { kind: "batch"; batch: BatchReport }
  | {
      kind: "function-error";
      functionName: string;
      errorType: string;
      errorMessage: string;
    }
  | { kind: "rebuild"; ok: boolean; functions: string[]; errors: string[] }
  | { kind: "warning"; message: string };

export type LocalRuntimeEventSink = (event: LocalRuntimeEvent) => void;
