import {
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";

/**
 * The ARN of an execution of a Standard state machine, which Step Functions derives the same
 * way: `arn:aws:states:<region>:<account>:execution:<machine>:<name>`. An Express execution's
 * (`...:express:<machine>:<name>:<uuid>`) cannot be derived, and no API but StartExecution takes
 * it anyway.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const marker = ":stateMachine:";
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof ExecutionDoesNotExist ||
    (error as { name?: string }).name === "ExecutionDoesNotExist"
  );
}

export type StartOutcome = "started" | "already-exists";

/**
 * Starts an execution under a deterministic name. `ExecutionAlreadyExists` is not an error here:
 * it is how a duplicate delivery of the same task generation is recognised and absorbed on a
 * Standard state machine (an Express one refuses no name, and always answers `started`).
 */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<StartOutcome> {
  try {
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return "started";
  } catch (error) {
    if ((error as { name?: string }).name === "ExecutionAlreadyExists") return "already-exists";
    throw error;
  }
}

/** Stops a running execution; `false` when it does not exist or has already ended. */
export async function stopExecution(
  sfn: SFNClient,
  executionArn: string,
  reason: { error: string; cause: string },
): Promise<boolean> {
  try {
    await sfn.send(
      new StopExecutionCommand({ executionArn, error: reason.error, cause: reason.cause }),
    );
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
