/**
 * One call an operation makes through an AWS SDK client: the service (the client's name without
 * `Client`: `DynamoDB`, `SQS`, `S3`, `SFN`), the command class name as the SDK reports it
 * (`PutItemCommand`; a document client's `PutCommand` is the `PutItemCommand` it sends), and its
 * ordinal among the calls of that service and command in one fault session, from 1.
 */
export interface CallPoint {
  service: string;
  command: string;
  nth: number;
}

/**
 * How a call fails:
 * - `before`: it never reaches the service (throttled, or the connection reset while sending);
 * - `after`: the service applied it, then the answer was lost (a timeout, a reset), so the caller
 *   cannot tell that it worked;
 * - `duplicate`: the service applied it, the answer was lost and the SDK sent it again, so the
 *   caller sees the second answer (what a client with `maxAttempts > 1` does after a lost answer);
 * - `crash-before` / `crash-after`: the handler's process dies just before the call is sent, or
 *   just after it was applied: the call throws `HandlerCrashed`, and so does every later call
 *   through any client of the session.
 */
export type FaultKind = "before" | "after" | "duplicate" | "crash-before" | "crash-after";

/**
 * The error a failing call throws. `throttle` is the service's own throttling answer
 * (DynamoDB `ProvisionedThroughputExceededException`, SQS `RequestThrottled`, S3 `SlowDown`,
 * Step Functions `ThrottlingException`), deserialized by the SDK as from the wire; `reset` is
 * Node's `ECONNRESET`; `timeout` is the SDK's `TimeoutError`. `before` defaults to `throttle`,
 * `after` to `timeout`; crashes always throw `HandlerCrashed`.
 */
export type FaultError = "throttle" | "reset" | "timeout";

/** A call made to fail. */
export interface Fault extends CallPoint {
  kind: FaultKind;
  error?: FaultError;
}

/**
 * Code run at a call boundary, the call waiting meanwhile: `before` it is sent, or `after` it
 * was applied and before its caller sees the answer. Races are written with it: a cancel run
 * between the consumer's read of a record and its `StartExecution`.
 */
export interface Interleave extends CallPoint {
  at: "before" | "after";
  run(): unknown;
}

export type PlanEntry = Fault | Interleave;

/** A call as a session saw it. */
export interface RecordedCall extends CallPoint {
  /** What it was about, for people: the table and key, the queue, the bucket and key. */
  detail: string;
  /** `ok`, or the name of the error its caller saw. */
  outcome: string;
}
