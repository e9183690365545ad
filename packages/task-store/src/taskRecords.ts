import { randomUUID } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import {
  CANCELLABLE_STATUSES,
  dayOf,
  dayShardKey,
  listKeyOf,
  listShardOf,
  ownerShardKey,
  RETRYABLE_STATUSES,
  type TaskErrorInfo,
  type TaskRecord,
  type TaskStatus,
  type TimelineEvent,
} from "@tasklane/shared-task";
import { batchGetItems } from "./batchGetItems.js";
import { decodeRecord, encodeRecord, encodeValue } from "./recordCodec.js";
import { type ListPage, type ListQuery, listTaskRecords } from "./taskListing.js";
import { findUnsentSince } from "./unsentRecords.js";

/** Who is asking: the record's owner, or an operator, who may act on every owner's tasks. */
export interface Actor {
  caller: string;
  operator: boolean;
}

/** A new task as the producer makes it; `TaskRecords.create` fills in the rest. */
export type NewTask = Pick<
  TaskRecord,
  "id" | "type" | "owner" | "input" | "fingerprint" | "correlationId" | "createdAt"
> &
  Partial<Pick<TaskRecord, "groupId" | "idempotencyKey">>;

export type CreateResult =
  | { created: true; record: TaskRecord }
  /** The id was taken; `existing` is what holds it (undefined if it vanished since). */
  | { created: false; existing: TaskRecord | undefined };

/** Why a conditional change did not apply, from a read made only to explain it. */
export type Refusal = { reason: "not-found" } | { reason: "conflict"; record: TaskRecord };

export type ChangeResult<T = TaskRecord> = ({ ok: true } & T) | ({ ok: false } & Refusal);

export interface TaskRecordsOptions {
  tableName: string;
  /** Days a finished task is kept before the table's TTL may delete it; 0 keeps it. */
  resultExpirationDays?: number;
  now?: () => Date;
}

/**
 * What belongs to one generation's run, and so is cleared when a retry starts the next one:
 * the record's fields, and the listing copies and expiry the end of a run writes.
 */
const GENERATION_ATTRIBUTES = [
  "runId",
  "startedAt",
  "lastStartedAt",
  "lastError",
  "finishedAt",
  "polls",
  "output",
  "error",
  "cancelledBy",
  "sentAt",
  "expiresAt",
  "listOutput",
  "outputLocation",
] as const;

/**
 * Clears the unsent mark `create` and `retry` set (and with it the record's place in the sparse
 * `unsent` index): once SQS took the envelope, or the generation was claimed or ended.
 */
const CLEAR_UNSENT = "REMOVE unsentSince, unsentShard, sendToken";

/** Largest output (JSON bytes) a listing carries inline; larger ones are read one by one. */
export const LIST_OUTPUT_MAX_BYTES = 1_024;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === "ConditionalCheckFailedException"
  );
}

/**
 * The tasks table: every change to a task is one conditional write here, so the database, not
 * a read followed by a write, decides each race (two retries, a cancel against a start, two
 * requests with one `Idempotency-Key`). A refused write is explained by a consistent read of
 * the record afterwards; the read never decides anything.
 */
export class TaskRecords {
  readonly tableName: string;
  private readonly now: () => Date;
  private readonly expirationDays: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    options: TaskRecordsOptions,
  ) {
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.expirationDays = options.resultExpirationDays ?? 0;
  }

  /** The record, read strongly consistent: what the last successful write left. */
  async get(id: string): Promise<TaskRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return out.Item ? decodeRecord(out.Item) : undefined;
  }

  /** The record if `actor` may see it: its owner, or an operator. */
  async getFor(id: string, actor: Actor): Promise<TaskRecord | undefined> {
    const record = await this.get(id);
    return record && mayAct(actor, record) ? record : undefined;
  }

  /** A page of the tasks `actor` may see, created since `query.since`, oldest first. */
  list(actor: Actor, query: ListQuery): Promise<ListPage> {
    return listTaskRecords(this.db, this.tableName, actor, query, this.now());
  }

  /** Records still marked unsent since before `olderThan` (see `findUnsentSince`). */
  async findUnsent(olderThan: Date, limitPerShard: number): Promise<TaskRecord[]> {
    const ids = await findUnsentSince(this.db, this.tableName, olderThan, limitPerShard);
    // Read as `get` reads, strongly consistent (the index lags the table), but in batches.
    const items = await batchGetItems(this.db, this.tableName, ids, { consistent: true });
    return items.map(decodeRecord).filter((record) => record.unsentSince !== undefined);
  }

  /**
   * Creates the task's record unless its id exists (a keyed submission's id is derived from the
   * key and the owner, so a second request with the key finds the first one's record). The
   * record is marked unsent until `markSent`.
   */
  async create(task: NewTask): Promise<CreateResult> {
    // The unsent mark is the creation time: a request that lost the answer to its put can still
    // name the record it may have written, to undo it.
    const at = task.createdAt;
    const shard = listShardOf(task.id);
    const record: TaskRecord = {
      ...task,
      status: "queued",
      generation: 1,
      updatedAt: at,
      attempts: 0,
      generationAttempts: 0,
      unsentSince: at,
      sendToken: randomUUID(),
      timeline: [{ at, generation: 1, event: "queued" }],
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...encodeRecord(record),
            listKey: listKeyOf(record.createdAt, record.id),
            ownerShard: ownerShardKey(record.owner, shard),
            dayShard: dayShardKey(dayOf(record.createdAt), shard),
            unsentShard: String(shard),
          },
          ConditionExpression: "attribute_not_exists(id)",
        }),
      );
      return { created: true, record };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(task.id);
      // The SDK resends a put whose answer was lost; the resend then meets this very write.
      if (existing && isSameCreate(existing, record)) return { created: true, record: existing };
      return { created: false, existing };
    }
  }

  /**
   * Notes that SQS took the generation's envelope. Only the send that marked the record unsent
   * (`unsentSince`) clears it; `false` when something else already did (a resend, a cancel).
   */
  async markSent(record: Pick<TaskRecord, "id" | "generation" | "unsentSince">): Promise<boolean> {
    // Without a mark there is nothing to clear (and DynamoDB refuses an undefined value).
    if (record.unsentSince === undefined) return false;
    const at = this.now().toISOString();
    return this.applies(
      this.updateOf(record.id, {
        UpdateExpression: `SET sentAt = :at ${CLEAR_UNSENT}`,
        ConditionExpression: "#generation = :generation AND unsentSince = :unsentSince",
        ExpressionAttributeNames: { "#generation": "generation" },
        ExpressionAttributeValues: {
          ":at": at,
          ":generation": record.generation,
          ":unsentSince": record.unsentSince,
        },
      }),
    );
  }

  /**
   * Deletes a new task whose envelope SQS refused, if nothing has happened to it since: still
   * generation 1, queued, and unsent by this very request. A stray message of it, if the refusal
   * was ambiguous, then finds no record and starts nothing.
   */
  async deleteUnsent(record: Pick<TaskRecord, "id" | "unsentSince">): Promise<boolean> {
    if (record.unsentSince === undefined) return false;
    return this.applies(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { id: record.id },
        ConditionExpression:
          "#generation = :one AND #status = :queued AND unsentSince = :unsentSince",
        ExpressionAttributeNames: { "#generation": "generation", "#status": "status" },
        ExpressionAttributeValues: {
          ":one": 1,
          ":queued": "queued",
          ":unsentSince": record.unsentSince,
        },
      }),
    );
  }

  /**
   * Moves a failed or cancelled task to its next generation, queued and unsent, if it is still
   * at `generation` (the one the caller saw). Of concurrent retries exactly one applies. Returns
   * the new record and the one it replaced (which `restoreUnsentRetry` needs).
   */
  async retry(
    id: string,
    generation: number,
    actor: Actor,
  ): Promise<ChangeResult<{ record: TaskRecord; previous: TaskRecord }>> {
    const at = this.now().toISOString();
    const token = randomUUID();
    const next = generation + 1;
    const event: TimelineEvent = { at, generation: next, event: "queued", by: actor.caller };
    const guard = actorGuard(actor, generation, RETRYABLE_STATUSES);
    try {
      const previous = await this.updateReturning(id, "ALL_OLD", {
        UpdateExpression:
          "SET #status = :queued, #generation = :next, updatedAt = :at, unsentSince = :at, " +
          "unsentShard = :shard, sendToken = :token, generationAttempts = :zero, " +
          "#timeline = list_append(#timeline, :event) " +
          `REMOVE ${GENERATION_ATTRIBUTES.map((_, i) => `#g${i}`).join(", ")}`,
        ConditionExpression: guard.condition,
        ExpressionAttributeNames: {
          ...guard.names,
          "#timeline": "timeline",
          ...Object.fromEntries(GENERATION_ATTRIBUTES.map((name, i) => [`#g${i}`, name])),
        },
        ExpressionAttributeValues: {
          ":queued": "queued",
          ":next": next,
          ":at": at,
          ":shard": String(listShardOf(id)),
          ":token": token,
          ":zero": 0,
          ":event": [event],
          ...guard.values,
        },
      });
      const kept: TaskRecord = { ...previous };
      for (const name of GENERATION_ATTRIBUTES) delete (kept as Record<string, unknown>)[name];
      const record: TaskRecord = {
        ...kept,
        status: "queued",
        generation: next,
        updatedAt: at,
        unsentSince: at,
        sendToken: token,
        generationAttempts: 0,
        timeline: [...previous.timeline, event],
      };
      return { ok: true, record, previous };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const refused = await this.refusal(id, actor);
      // The SDK resends an update whose answer was lost; the resend then meets this very write.
      if (refused.reason === "conflict") {
        const own = ownRetry(refused.record, generation, token);
        if (own) return { ok: true, record: refused.record, previous: own };
      }
      return refused;
    }
  }

  /**
   * Undoes a retry whose envelope SQS refused, without moving the record back a generation: the
   * generation that never ran ends as the one before it ended (failed or cancelled, with its
   * error), so the task is retryable again, at this generation. Applies only while the retry is
   * still queued and unsent by this request; a stray message of it finds a generation that is
   * not queued and starts nothing.
   */
  async restoreUnsentRetry(record: TaskRecord, previous: TaskRecord): Promise<boolean> {
    const at = this.now().toISOString();
    const event: TimelineEvent = { at, generation: record.generation, event: "not-enqueued" };
    const restored = {
      ":previousStatus": previous.status,
      ":finishedAt": previous.finishedAt ?? at,
      ...(previous.error ? { ":error": previous.error } : {}),
    };
    return this.applies(
      this.updateOf(record.id, {
        UpdateExpression:
          "SET #status = :previousStatus, finishedAt = :finishedAt, updatedAt = :at, " +
          `${previous.error ? "#error = :error, " : ""}` +
          `#timeline = list_append(#timeline, :event) ${CLEAR_UNSENT}`,
        ConditionExpression:
          "#generation = :generation AND #status = :queued AND unsentSince = :unsentSince",
        ExpressionAttributeNames: {
          "#status": "status",
          "#generation": "generation",
          "#timeline": "timeline",
          ...(previous.error ? { "#error": "error" } : {}),
        },
        ExpressionAttributeValues: {
          ...restored,
          ":at": at,
          ":event": [event],
          ":generation": record.generation,
          ":queued": "queued",
          ":unsentSince": record.unsentSince,
        },
      }),
    );
  }

  /**
   * Cancels the current generation if it has not ended. The write is conditional on the
   * generation read just before it (only a retry moves it, and a retry starts from an ended
   * generation, which a cancel refuses anyway), so the cancellation names its generation.
   * Returns the record as it was, so the caller knows whether an execution may be running.
   */
  async cancel(
    id: string,
    actor: Actor,
  ): Promise<ChangeResult<{ record: TaskRecord; previous: TaskRecord }>> {
    const seen = await this.getFor(id, actor);
    if (!seen) return { ok: false, reason: "not-found" };
    if (!(CANCELLABLE_STATUSES as readonly string[]).includes(seen.status)) {
      return { ok: false, reason: "conflict", record: seen };
    }
    const at = this.now().toISOString();
    const by = actor.caller;
    const event: TimelineEvent = { at, generation: seen.generation, event: "cancelled", by };
    const guard = actorGuard(actor, seen.generation, CANCELLABLE_STATUSES);
    try {
      const previous = await this.updateReturning(id, "ALL_OLD", {
        UpdateExpression:
          "SET #status = :cancelled, finishedAt = :at, updatedAt = :at, cancelledBy = :by, " +
          `${this.expiry(at) ? "expiresAt = :expiresAt, " : ""}` +
          `#timeline = list_append(#timeline, :event) ${CLEAR_UNSENT}`,
        ConditionExpression: guard.condition,
        ExpressionAttributeNames: { ...guard.names, "#timeline": "timeline" },
        ExpressionAttributeValues: {
          ":cancelled": "cancelled",
          ":at": at,
          ":by": by,
          ...this.expiryValue(at),
          ":event": [event],
          ...guard.values,
        },
      });
      const { unsentSince: _unsent, sendToken: _token, ...rest } = previous;
      const record: TaskRecord = {
        ...rest,
        status: "cancelled",
        finishedAt: at,
        updatedAt: at,
        cancelledBy: by,
        timeline: [...previous.timeline, event],
      };
      return { ok: true, record, previous };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.refusal(id, actor);
    }
  }

  /**
   * Claims the next attempt of `generation` for the execution `runId`: counts it (both counters
   * are atomic `ADD`s), marks the task running and starts its deadline clock. Applies only while
   * the record expects this generation, has not ended, and no other execution claimed it: a
   * duplicate execution, a cancelled or a retried task runs nothing.
   */
  async claimAttempt(id: string, generation: number, runId: string): Promise<ChangeResult> {
    const at = this.now().toISOString();
    const guard = generationGuard(generation, CANCELLABLE_STATUSES);
    try {
      const claimed = await this.updateReturning(id, "ALL_NEW", {
        UpdateExpression:
          "SET #status = :running, runId = :run, startedAt = if_not_exists(startedAt, :at), " +
          "lastStartedAt = :at, updatedAt = :at, #timeline = list_append(#timeline, :event) " +
          // A claimed generation's message reached SQS: it is no longer the resend sweep's.
          `${CLEAR_UNSENT} ADD attempts :one, generationAttempts :one`,
        ConditionExpression: `${guard.condition} AND (attribute_not_exists(runId) OR runId = :run)`,
        ExpressionAttributeNames: { ...guard.names, "#timeline": "timeline" },
        ExpressionAttributeValues: {
          ":running": "running",
          ":run": runId,
          ":at": at,
          ":event": [{ at, generation, event: "attempt-started" }],
          ":one": 1,
          ...guard.values,
        },
      });
      return { ok: true, ...claimed };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.refusal(id);
    }
  }

  /** Notes why an attempt failed, for people; `false` when the run no longer owns the task. */
  async recordAttemptError(
    id: string,
    run: { generation: number; runId: string; attempt: number },
    error: TaskErrorInfo,
    retryable: boolean,
  ): Promise<boolean> {
    const at = this.now().toISOString();
    const event: TimelineEvent = {
      at,
      generation: run.generation,
      event: "attempt-failed",
      attempt: run.attempt,
      error,
      retryable,
    };
    const owned = this.ownedByRun(run);
    return this.applies(
      this.updateOf(id, {
        UpdateExpression:
          "SET lastError = :error, updatedAt = :at, #timeline = list_append(#timeline, :event)",
        ...owned,
        ExpressionAttributeValues: {
          ...owned.ExpressionAttributeValues,
          ":error": error,
          ":at": at,
          ":event": [event],
        },
      }),
    );
  }

  /**
   * The generation's one success: applies only for the run that owns it while it is running.
   * `listOutput` is the output again when it is small enough for listings.
   */
  async complete(
    id: string,
    run: { generation: number; runId: string },
    result: { output: TaskRecord["output"] & object; polls: number },
  ): Promise<boolean> {
    const at = this.now().toISOString();
    const output = result.output;
    const encodedOutput = encodeValue(output);
    const small =
      output.kind === "inline" &&
      Buffer.byteLength(JSON.stringify(output.value)) <= LIST_OUTPUT_MAX_BYTES;
    const location =
      output.kind === "s3"
        ? { bucket: output.bucket, key: output.key, bytes: output.bytes }
        : undefined;
    const owned = this.ownedByRun(run);
    return this.applies(
      this.updateOf(id, {
        UpdateExpression:
          "SET #status = :succeeded, #output = :output, polls = :polls, finishedAt = :at, " +
          `updatedAt = :at, ${small ? "listOutput = :output, " : ""}` +
          `${location ? "outputLocation = :location, " : ""}` +
          `${this.expiry(at) ? "expiresAt = :expiresAt, " : ""}` +
          "#timeline = list_append(#timeline, :event) REMOVE lastError",
        ConditionExpression: owned.ConditionExpression,
        ExpressionAttributeNames: { ...owned.ExpressionAttributeNames, "#output": "output" },
        ExpressionAttributeValues: {
          ...owned.ExpressionAttributeValues,
          ":succeeded": "succeeded",
          ":output": encodedOutput,
          ":polls": result.polls,
          ":at": at,
          ...(location ? { ":location": location } : {}),
          ...this.expiryValue(at),
          ":event": [{ at, generation: run.generation, event: "succeeded", polls: result.polls }],
        },
      }),
    );
  }

  /**
   * The generation's one failure. `runId` is the execution that failed; a generation no
   * execution claimed yet (its envelope could not be read, its first claim never applied) may
   * be failed by any. Never overwrites a cancellation or another run's end.
   */
  async fail(
    id: string,
    run: { generation: number; runId?: string | undefined },
    error: TaskErrorInfo,
  ): Promise<boolean> {
    const at = this.now().toISOString();
    const guard = generationGuard(run.generation, CANCELLABLE_STATUSES);
    return this.applies(
      this.updateOf(id, {
        UpdateExpression:
          "SET #status = :failed, #error = :error, finishedAt = :at, updatedAt = :at, " +
          `${this.expiry(at) ? "expiresAt = :expiresAt, " : ""}` +
          `#timeline = list_append(#timeline, :event) ${CLEAR_UNSENT}`,
        ConditionExpression:
          `${guard.condition} AND ` +
          `(attribute_not_exists(runId)${run.runId ? " OR runId = :run" : ""})`,
        ExpressionAttributeNames: { ...guard.names, "#timeline": "timeline", "#error": "error" },
        ExpressionAttributeValues: {
          ":failed": "failed",
          ":error": error,
          ":at": at,
          ...this.expiryValue(at),
          ":event": [{ at, generation: run.generation, event: "failed", error }],
          ...guard.values,
          ...(run.runId ? { ":run": run.runId } : {}),
        },
      }),
    );
  }

  private ownedByRun(run: { generation: number; runId: string }) {
    return {
      ConditionExpression: "#generation = :generation AND #status = :running AND runId = :run",
      ExpressionAttributeNames: {
        "#generation": "generation",
        "#status": "status",
        "#timeline": "timeline",
      },
      ExpressionAttributeValues: {
        ":generation": run.generation,
        ":running": "running",
        ":run": run.runId,
      } as Record<string, unknown>,
    };
  }

  private expiry(at: string): number | undefined {
    if (this.expirationDays <= 0) return undefined;
    return Math.floor(Date.parse(at) / 1000) + this.expirationDays * 86_400;
  }

  private expiryValue(at: string): Record<string, number> {
    const expiresAt = this.expiry(at);
    return expiresAt === undefined ? {} : { ":expiresAt": expiresAt };
  }

  /** An update of the task's item: every change is one of these, conditional on what it expects. */
  private updateOf(
    id: string,
    input: Omit<UpdateCommandInput, "TableName" | "Key">,
  ): UpdateCommand {
    return new UpdateCommand({ TableName: this.tableName, Key: { id }, ...input });
  }

  /** Sends an update; the record as it was before it (`ALL_OLD`) or is after it (`ALL_NEW`). */
  private async updateReturning(
    id: string,
    returned: "ALL_OLD" | "ALL_NEW",
    input: Omit<UpdateCommandInput, "TableName" | "Key" | "ReturnValues">,
  ): Promise<TaskRecord> {
    const out = await this.db.send(this.updateOf(id, { ...input, ReturnValues: returned }));
    return decodeRecord(out.Attributes ?? {});
  }

  /** Runs a conditional write; `false` when its condition did not hold. */
  private async applies(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Why a change was refused, read after it; a record `actor` may not see is not found. */
  private async refusal(id: string, actor?: Actor): Promise<{ ok: false } & Refusal> {
    const record = actor ? await this.getFor(id, actor) : await this.get(id);
    return record ? { ok: false, reason: "conflict", record } : { ok: false, reason: "not-found" };
  }
}

/** Whether `found` is the very record `create` wrote (and not another request's). */
function isSameCreate(found: TaskRecord, written: TaskRecord): boolean {
  return (
    found.generation === 1 && found.sendToken !== undefined && found.sendToken === written.sendToken
  );
}

/**
 * The record as it was before this request's own retry, if `found` is that retry (generation
 * `generation + 1`, queued, marked unsent with the retry's token), rebuilt from the end the timeline
 * recorded for the generation before; otherwise `undefined`.
 */
function ownRetry(found: TaskRecord, generation: number, token: string): TaskRecord | undefined {
  if (found.generation !== generation + 1 || found.status !== "queued") return undefined;
  if (found.sendToken !== token) return undefined;
  const ended = found.timeline.findLast(
    (e) => e.generation === generation && (e.event === "failed" || e.event === "cancelled"),
  );
  if (!ended) return undefined;
  const status = ended.event === "failed" ? "failed" : "cancelled";
  return {
    ...found,
    generation,
    status,
    finishedAt: ended.at,
    ...(ended.error ? { error: ended.error } : {}),
  };
}

/** Whether `actor` may see and change `record`. */
export function mayAct(actor: Actor, record: Pick<TaskRecord, "owner">): boolean {
  return actor.operator || record.owner === actor.caller;
}

interface Guard {
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The condition of a change to a task's generation: it is still `generation`, in one of the two
 * `statuses`, and, when `owner` is given, that owner's task.
 */
function generationGuard(
  generation: number,
  statuses: readonly [TaskStatus, TaskStatus],
  owner?: string,
): Guard {
  const own = owner !== undefined;
  return {
    condition: `#generation = :generation AND #status IN (:s0, :s1)${own ? " AND #owner = :owner" : ""}`,
    names: {
      "#status": "status",
      "#generation": "generation",
      ...(own ? { "#owner": "owner" } : {}),
    },
    values: {
      ":generation": generation,
      ":s0": statuses[0],
      ":s1": statuses[1],
      ...(own ? { ":owner": owner } : {}),
    },
  };
}

/** The condition of a change `actor` makes: an operator's applies to every owner's tasks. */
function actorGuard(
  actor: Actor,
  generation: number,
  statuses: readonly [TaskStatus, TaskStatus],
): Guard {
  return generationGuard(generation, statuses, actor.operator ? undefined : actor.caller);
}
