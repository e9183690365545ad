/** The base of every error this package throws on purpose. */
export class ReleaseToolError extends Error {
  override name = "ReleaseToolError";
}

/** A stack output does not follow the contract with the Pulumi program. */
export class ReleaseContractError extends ReleaseToolError {
  override name = "ReleaseContractError";
}

/** The state backend has no stack of that name (or the credentials cannot see it). */
export class StackNotFoundError extends ReleaseToolError {
  override name = "StackNotFoundError";
  constructor(readonly stackName: string) {
    super(`stack \`${stackName}\` was not found in the state backend you are logged in to`);
  }
}

/** The command line asks for something that cannot be done (e.g. `--from prod --to prod`). */
export class UsageError extends ReleaseToolError {
  override name = "UsageError";
}
