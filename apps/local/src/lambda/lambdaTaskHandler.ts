import type { TaskHandler } from "../emulators/localStepFunctions.js";
import { LambdaInvocationError } from "../errors.js";
import type { LocalFunction } from "../types.js";
import { invokeFunction } from "./invokeFunction.js";

/**
 * Binds a Task state whose `Resource` is a Lambda function ARN to the local function, with the
 * errors Step Functions sees on AWS: a function error keeps its `errorType` as the error name
 * (what `Retry` and `Catch` match) and the runtime's JSON report as its cause; a refusal by the
 * Lambda service is `Lambda.<Exception>`, which the workflow's service retrier matches.
 */
export function lambdaTaskHandler(
  fn: LocalFunction,
  onFunctionError?: (error: LambdaInvocationError) => void,
): TaskHandler {
  return async (input) => {
    try {
      return await invokeFunction(fn, input);
    } catch (error) {
      if (!(error instanceof LambdaInvocationError)) throw error;
      onFunctionError?.(error);
      // aws-local-stepfunctions records `name` as the Error and `message` as the Cause; it must
      // not carry an `Error.cause`, which it would record instead.
      const stateError = new Error(
        error.origin === "function" ? error.toErrorPayload() : error.errorMessage,
      );
      stateError.name = error.origin === "function" ? error.errorType : `Lambda.${error.errorType}`;
      throw stateError;
    }
  };
}
