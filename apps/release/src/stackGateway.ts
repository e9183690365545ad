/**
 * What promotion needs from Pulumi, and nothing more. The gates and the promotion flow talk to
 * this interface; `createAutomationStackGateway` implements it over the Automation API, and the
 * tests implement it in memory, so every gate is tested without the Pulumi CLI.
 */
export interface StackGateway {
  /**
   * The stack's outputs by name, secrets unwrapped.
   *
   * @throws StackNotFoundError when the backend has no such stack.
   */
  outputs(stack: string): Promise<Record<string, unknown>>;

  /** The stack's most recent updates (at most `limit`), newest first. */
  history(stack: string, limit: number): Promise<StackUpdate[]>;

  /**
   * Runs the program against the stack without changing anything and reports what `up` would do.
   * With `expectNoChanges`, changes are still reported here rather than thrown, so a gate can name
   * them.
   */
  preview(stack: string, options: PreviewOptions): Promise<PreviewResult>;

  /** Deploys the program to the stack and returns its new outputs. */
  up(stack: string, options: UpOptions): Promise<UpResult>;
}

export interface OperationOptions {
  /**
   * The commit the program must record in its `release` output. Gate 1 has checked it is the
   * working tree's HEAD; pinning it keeps a stray environment variable from overriding it.
   */
  releaseCommit: string;
  /**
   * The sha256 each function's zip must have, by name: the program then refuses to deploy any
   * other bytes, so zips that changed after gate 2 never reach the stack.
   */
  expectedBundles?: Record<string, string>;
  /** Refresh the stack's state from the cloud first, so drift shows up as changes. */
  refresh: boolean;
  /** Receives the CLI's human output as it is produced. */
  onOutput?: (text: string) => void;
}

export interface PreviewOptions extends OperationOptions {
  /** Ask Pulumi to treat any change as an error (`--expect-no-changes`). */
  expectNoChanges: boolean;
}

export interface UpOptions extends OperationOptions {
  /** Recorded with the update in the stack's history. */
  message: string;
}

/** One resource the preview would touch. */
export interface PlannedChange {
  /** Pulumi's operation: create, update, replace, delete, ... */
  op: string;
  urn: string;
}

export interface PreviewResult {
  /** Every resource whose operation changes it (see `isChangeOp`), in the engine's order. */
  changes: PlannedChange[];
  /** Counts by operation, e.g. `{ same: 40, update: 2 }`. */
  summary: Record<string, number>;
}

export interface UpResult {
  outputs: Record<string, unknown>;
  /** Counts by operation of what the update did. */
  summary: Record<string, number>;
}

/** An entry of a stack's update history. */
export interface StackUpdate {
  version?: number;
  /** `update`, `preview`, `refresh`, `destroy`, ... */
  kind: string;
  /** `succeeded`, `failed`, `in-progress`, `not-started`. */
  result: string;
  message: string;
  startTime?: Date;
  /** Metadata the CLI records, such as `git.head` and `git.dirty`. */
  environment: Record<string, string>;
}

/**
 * Operations that leave a resource as it is: `read` is a data source; `refresh` is the state
 * being read back from the cloud (with `refresh`, drift then shows as an `update` of the diff).
 */
const UNCHANGED_OPS = new Set(["same", "read", "refresh"]);

/** Whether a preview step changes the stack. */
export function isChangeOp(op: string): boolean {
  return !UNCHANGED_OPS.has(op);
}
