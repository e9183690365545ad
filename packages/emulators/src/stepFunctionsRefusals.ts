import { StepFunctionsApiError } from "./errors.js";

/** An Express execution's ARN (`...:express:<machine>:<name>:<id>`). */
export const EXPRESS_EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:express:/;

/**
 * The Step Functions API's refusals that every served state machine gives, worded as AWS words
 * them, so the local runtime's machines and the tests' recorder answer alike.
 */
export const stepFunctionsRefusals = {
  /** DescribeExecution or StopExecution of an Express execution: AWS has neither for it. */
  expressExecution: () =>
    new StepFunctionsApiError(
      "InvalidArn",
      "Invalid Arn: 'Resource type not valid in this context: express'",
    ),
  executionDoesNotExist: (executionArn: unknown) =>
    new StepFunctionsApiError(
      "ExecutionDoesNotExist",
      `Execution Does Not Exist: '${String(executionArn)}'`,
    ),
  stateMachineDoesNotExist: (stateMachineArn: unknown) =>
    new StepFunctionsApiError(
      "StateMachineDoesNotExist",
      `State Machine Does Not Exist: '${String(stateMachineArn)}'`,
    ),
  /** A Standard execution's name reused with another input, or once the execution ended. */
  executionAlreadyExists: (executionArn: string) =>
    new StepFunctionsApiError(
      "ExecutionAlreadyExists",
      `Execution Already Exists: '${executionArn}'`,
    ),
  /** A StartExecution past the account's start rate. */
  throttled: () => new StepFunctionsApiError("ThrottlingException", "Rate exceeded"),
  /** ListExecutions of an Express state machine. */
  typeNotSupported: () =>
    new StepFunctionsApiError(
      "StateMachineTypeNotSupported",
      "This operation is not supported by this type of state machine",
    ),
} as const;
