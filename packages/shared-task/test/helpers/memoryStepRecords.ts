import {
  CANCELLABLE_STATUSES,
  type Payload,
  type TaskEnvelope,
  type TaskErrorInfo,
  type TaskRecord,
  type TimelineEvent,
} from "../../src/index.js";
import type { ClaimResult, RunRef, StepRecords } from "../../src/steps.js";

type Operation = keyof StepRecords;

interface Fault {
  operation: Operation;
  error: () => Error;
  remaining: number;
  /** The write applies, then the call throws: the answer was lost on its way back. */
  afterApplying: boolean;
}

/** What DynamoDB throws when a write is throttled, once the SDK's own retries are spent. */
export const throttled = () =>
  Object.assign(new Error("The level of configured provisioned throughput was exceeded."), {
    name: "ProvisionedThroughputExceededException",
    $fault: "client",
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400, attempts: 3 },
  });

/** A response lost to the network after DynamoDB applied the write. */
export const lostResponse = () =>
  Object.assign(new Error("socket hang up"), { name: "Error", code: "ECONNRESET" });

const isCancellable = (record: TaskRecord) =>
  (CANCELLABLE_STATUSES as readonly string[]).includes(record.status);

/**
 * The tasks table in memory, for the step cores' unit tests (shared-task cannot depend on
 * task-store): the same conditions as task-store's `TaskRecords`, each change applied whole or
 * not at all, and the faults a test arms, thrown the way the SDK throws them. The table's own
 * behaviour is tested against dynalite in task-store and the consumer.
 */
export class MemoryStepRecords implements StepRecords {
  readonly #records = new Map<string, TaskRecord>();
  readonly #faults: Fault[] = [];
  /** Writes applied, by operation. */
  readonly writes: Record<string, number> = {};

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The record the producer leaves for `task`: queued at its generation, nothing run yet. */
  seed(task: TaskEnvelope, owner = "arn:aws:iam::123456789012:user/alice"): TaskRecord {
    const at = task.createdAt;
    const record: TaskRecord = {
      id: task.id,
      type: task.type,
      owner,
      status: "queued",
      generation: task.generation,
      createdAt: at,
      updatedAt: at,
      input: task.input,
      fingerprint: task.fingerprint,
      correlationId: task.correlationId,
      attempts: 0,
      generationAttempts: 0,
      timeline: [{ at, generation: task.generation, event: "queued" }],
    };
    this.#records.set(task.id, record);
    return structuredClone(record);
  }

  /** A cancellation, as `DELETE /tasks/{id}` makes it: only while the generation has not ended. */
  cancel(id: string): boolean {
    return this.#change(
      "cancel",
      id,
      (r) => isCancellable(r),
      (r) => {
        const at = this.#at();
        r.status = "cancelled";
        r.finishedAt = at;
        r.cancelledBy = r.owner;
        this.#event(r, { at, generation: r.generation, event: "cancelled" });
      },
    );
  }

  /** A retry of an ended generation: the next one, queued, unclaimed. */
  retry(id: string): boolean {
    return this.#change(
      "retry",
      id,
      (r) => r.status === "failed" || r.status === "cancelled",
      (r) => {
        const { runId: _r, error: _e, finishedAt: _f, lastError: _l, startedAt: _s, ...kept } = r;
        const next: TaskRecord = {
          ...kept,
          status: "queued",
          generation: r.generation + 1,
          generationAttempts: 0,
        };
        for (const key of Object.keys(r) as (keyof TaskRecord)[]) delete r[key];
        Object.assign(r, next);
        this.#event(r, { at: this.#at(), generation: r.generation, event: "queued" });
      },
    );
  }

  /** Makes the next `times` calls of `operation` throw `error()`, before or after applying. */
  failNext(
    operation: Operation,
    error: () => Error,
    options: { times?: number; afterApplying?: boolean } = {},
  ): this {
    this.#faults.push({
      operation,
      error,
      remaining: options.times ?? 1,
      afterApplying: options.afterApplying ?? false,
    });
    return this;
  }

  /** Faults armed but not yet thrown; a test whose fault never fired proves nothing. */
  get pendingFaults(): number {
    return this.#faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    return this.#call("get", () => {
      const record = this.#records.get(id);
      return record ? structuredClone(record) : undefined;
    });
  }

  async claimAttempt(id: string, generation: number, runId: string): Promise<ClaimResult> {
    return this.#call("claimAttempt", (): ClaimResult => {
      const record = this.#records.get(id);
      if (!record) return { ok: false, reason: "not-found" };
      const claimable =
        record.generation === generation &&
        isCancellable(record) &&
        (record.runId === undefined || record.runId === runId);
      if (!claimable) return { ok: false, reason: "conflict", record: structuredClone(record) };
      const at = this.#at();
      record.status = "running";
      record.runId = runId;
      record.startedAt ??= at;
      record.lastStartedAt = at;
      record.attempts += 1;
      record.generationAttempts += 1;
      delete record.unsentSince;
      this.#event(record, { at, generation, event: "attempt-started" });
      this.#wrote("claimAttempt");
      return { ok: true, ...structuredClone(record) };
    });
  }

  async recordAttemptError(
    id: string,
    run: RunRef & { attempt: number },
    error: TaskErrorInfo,
    retryable: boolean,
  ): Promise<boolean> {
    return this.#writeIfOwned("recordAttemptError", id, run, (r) => {
      r.lastError = error;
      this.#event(r, {
        at: this.#at(),
        generation: run.generation,
        event: "attempt-failed",
        attempt: run.attempt,
        error,
        retryable,
      });
    });
  }

  async complete(
    id: string,
    run: RunRef,
    result: { output: Payload; polls: number },
  ): Promise<boolean> {
    return this.#writeIfOwned("complete", id, run, (r) => {
      const at = this.#at();
      r.status = "succeeded";
      r.output = result.output;
      r.polls = result.polls;
      r.finishedAt = at;
      delete r.lastError;
      this.#event(r, {
        at,
        generation: run.generation,
        event: "succeeded",
        polls: result.polls,
      });
    });
  }

  async fail(
    id: string,
    run: { generation: number; runId?: string | undefined },
    error: TaskErrorInfo,
  ): Promise<boolean> {
    return this.#write(
      "fail",
      id,
      (r) =>
        r.generation === run.generation &&
        isCancellable(r) &&
        (r.runId === undefined || (run.runId !== undefined && r.runId === run.runId)),
      (r) => {
        const at = this.#at();
        r.status = "failed";
        r.error = error;
        r.finishedAt = at;
        delete r.unsentSince;
        this.#event(r, { at, generation: run.generation, event: "failed", error });
      },
    );
  }

  #owned(record: TaskRecord, run: RunRef): boolean {
    return (
      record.generation === run.generation &&
      record.status === "running" &&
      record.runId === run.runId
    );
  }

  #at(): string {
    return this.now().toISOString();
  }

  #event(record: TaskRecord, event: TimelineEvent): void {
    record.updatedAt = event.at;
    record.timeline.push(event);
  }

  #wrote(operation: string): void {
    this.writes[operation] = (this.writes[operation] ?? 0) + 1;
  }

  /** One conditional write: `apply` runs only if `condition` holds, and counts as a write. */
  #change(
    operation: string,
    id: string,
    condition: (record: TaskRecord) => boolean,
    apply: (record: TaskRecord) => void,
  ): boolean {
    const record = this.#records.get(id);
    if (!record || !condition(record)) return false;
    apply(record);
    this.#wrote(operation);
    return true;
  }

  /** A write of the execution that claimed the generation: only while `run` still owns it. */
  #writeIfOwned(
    operation: Operation,
    id: string,
    run: RunRef,
    apply: (record: TaskRecord) => void,
  ): Promise<boolean> {
    return this.#write(operation, id, (r) => this.#owned(r, run), apply);
  }

  /** A conditional write through the store's interface: faults armed for `operation` apply. */
  #write(
    operation: Operation,
    id: string,
    condition: (record: TaskRecord) => boolean,
    apply: (record: TaskRecord) => void,
  ): Promise<boolean> {
    return this.#call(operation, () => this.#change(operation, id, condition, apply));
  }

  #call<T>(operation: Operation, work: () => T): Promise<T> {
    const fault = this.#faults.find((f) => f.operation === operation && f.remaining > 0);
    if (fault) fault.remaining -= 1;
    if (fault && !fault.afterApplying) return Promise.reject(fault.error());
    const result = work();
    return fault ? Promise.reject(fault.error()) : Promise.resolve(result);
  }
}
