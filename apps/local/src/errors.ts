export { EmulatorError, PortInUseError, StepFunctionsApiError } from "@tasklane/emulators";

/** The base of every error the local runtime throws on purpose. */
export class LocalRuntimeError extends Error {
  override name = "LocalRuntimeError";
}

/** The Lambda bundles the runtime is to load have not been built. */
export class BundlesMissingError extends LocalRuntimeError {
  override name = "BundlesMissingError";

  constructor(readonly missing: readonly string[]) {
    super(
      `the Lambda handler bundles are missing (${missing.join(", ")}): run \`pnpm build\` first, or start with --from-source to build them from the TypeScript sources`,
    );
  }
}

/**
 * A failed Lambda invocation, as the Lambda service reports it. `origin` is `function` when the
 * handler threw, timed out or answered something Lambda cannot return, and `service` when Lambda
 * refused the invocation before the handler ran.
 */
export class LambdaInvocationError extends LocalRuntimeError {
  override name = "LambdaInvocationError";

  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly origin: "function" | "service",
    readonly trace: readonly string[] = [],
  ) {
    super(`${errorType}: ${errorMessage}`);
  }

  /** The JSON the Node.js runtime reports for a function error (Step Functions' `Cause`). */
  toErrorPayload(): string {
    return JSON.stringify({
      errorType: this.errorType,
      errorMessage: this.errorMessage,
      trace: this.trace,
    });
  }
}
