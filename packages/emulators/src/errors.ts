/** The base of every error the emulators throw on purpose. */
export class EmulatorError extends Error {
  override name = "EmulatorError";
}

/** Another process already listens on the port a local server was to take. */
export class PortInUseError extends EmulatorError {
  override name = "PortInUseError";

  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} is already in use on ${host}`);
  }
}

/**
 * An error of the Step Functions API: `code` is the `__type` the AWS SDK turns into its exception
 * class (`ExecutionAlreadyExists`, `ExecutionDoesNotExist`, ...).
 */
export class StepFunctionsApiError extends EmulatorError {
  override name = "StepFunctionsApiError";

  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}
