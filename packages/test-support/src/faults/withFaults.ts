import { connectionReset, HandlerCrashedError, requestTimeout } from "./errors.js";
import { throttlingResponse } from "./throttlingResponses.js";
import type { CallPoint, Fault, Interleave, PlanEntry, RecordedCall } from "./types.js";

/** Any AWS SDK v3 client, or a DynamoDB document client (which shares its client's stack). */
export interface FaultableClient {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: every client's stack has its own input and output types
    add(middleware: any, options: any): void;
    remove(toRemove: string): boolean;
  };
}

export type FaultableClients =
  | readonly FaultableClient[]
  | Readonly<Record<string, FaultableClient>>;

/** One handler's calls, as its clients made them, and what the plan did to them. */
export interface FaultSession {
  /** Every call made while the handler was alive, in the order they were sent. */
  readonly calls: readonly RecordedCall[];
  /** The faults of the plan that fired. */
  readonly fired: readonly Fault[];
  /** Whether a crash fault fired: the handler is dead and its answer, if any, never left it. */
  readonly crashed: boolean;
  /** The call the handler died at. */
  readonly crashedAt: CallPoint | undefined;
  /** Calls refused because the handler had crashed (they never reached the service). */
  readonly callsAfterCrash: number;
  /** Plan entries whose call never came: a plan that names a call the operation does not make. */
  unused(): PlanEntry[];
  /** Takes the middleware off the clients; they behave as before `withFaults`. */
  detach(): void;
}

const GATE = "tasklaneFaultGate";
const WIRE = "tasklaneFaultWire";
const CALL = Symbol("tasklaneFaultCall");

interface CallState {
  point: CallPoint;
  record: RecordedCall;
  fault: Fault | undefined;
  hooks: Interleave[];
}

interface Context {
  clientName?: string;
  commandName?: string;
  [CALL]?: CallState;
}

function isFault(entry: PlanEntry): entry is Fault {
  return "kind" in entry;
}

function matches(entry: CallPoint, point: CallPoint): boolean {
  return (
    entry.service === point.service && entry.command === point.command && entry.nth === point.nth
  );
}

/** `DynamoDBClient` → `DynamoDB`. */
function serviceOf(clientName: string | undefined): string {
  return (clientName ?? "Unknown").replace(/Client$/, "");
}

/** A short description of a call's target, from its input. */
function detailOf(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const key = (i.Key ?? i.Item) as Record<string, unknown> | undefined;
  const id = key?.id as { S?: string } | string | undefined;
  const parts = [
    i.TableName,
    typeof id === "string" ? id : id?.S,
    i.IndexName,
    typeof i.QueueUrl === "string" ? i.QueueUrl.split("/").at(-1) : undefined,
    Array.isArray(i.Entries) ? `${i.Entries.length} entries` : undefined,
    i.Bucket,
    typeof i.Key === "string" ? i.Key : undefined,
    i.name,
    typeof i.executionArn === "string" ? i.executionArn.split(":").at(-1) : undefined,
  ];
  return parts.filter((p) => typeof p === "string" && p !== "").join(" ");
}

/** Reads an answer's body to its end, so its connection goes back to the pool. */
async function drain(response: unknown): Promise<void> {
  const body = (response as { body?: unknown } | undefined)?.body;
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    for await (const _chunk of body as AsyncIterable<unknown>) {
      // discarded: the caller never sees this answer
    }
  }
}

/**
 * Attaches fault injection to real AWS SDK v3 clients, as one handler's (one Lambda process's)
 * clients: `plan` names calls by service, command and ordinal, and makes each fail as its kind
 * says; a crash at any of them kills every client of the session. Returns the session, which
 * records every call; `detach()` takes the middleware off again.
 *
 * Two middlewares do it: one at `initialize` numbers each `send` in the order it was made (so
 * ordinals do not depend on network timing) and refuses calls after a crash; one at the end of
 * `deserialize`, next to the HTTP handler, fails the call on the wire: a throttling answer is
 * handed to the SDK's own deserializer, so the error is the one AWS produces.
 *
 * The SDK's retries cannot hide a fault: it holds for every attempt the SDK makes of that call
 * (a throttled call is throttled on each attempt; an `after` fault applies each attempt and loses
 * each answer). The fault suite builds its clients with `maxAttempts: 1` all the same, so no time
 * goes to the SDK's backoff.
 *
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient({ maxAttempts: 1 });
 * const session = withFaults({ dynamodb }, [
 *   { service: "DynamoDB", command: "PutItemCommand", nth: 1, kind: "after" },
 * ]);
 * await expect(records.create(task)).rejects.toMatchObject({ name: "TimeoutError" });
 * session.detach(); // the put was applied all the same
 * ```
 */
export function withFaults(
  clients: FaultableClients,
  plan: readonly PlanEntry[] = [],
): FaultSession {
  const calls: RecordedCall[] = [];
  const fired: Fault[] = [];
  const used = new Set<PlanEntry>();
  const counts = new Map<string, number>();
  let crashedAt: CallPoint | undefined;
  let crashed = false;
  let callsAfterCrash = 0;

  const crash = (point: CallPoint): never => {
    crashed = true;
    crashedAt ??= point;
    throw new HandlerCrashedError(point);
  };
  const dead = (): never => {
    callsAfterCrash += 1;
    throw new HandlerCrashedError(undefined);
  };

  const gate =
    (next: (args: unknown) => Promise<unknown>, context: Context) =>
    async (args: { input?: unknown }) => {
      if (crashed) dead();
      const service = serviceOf(context.clientName);
      const command = context.commandName ?? "UnknownCommand";
      const key = `${service}.${command}`;
      const nth = (counts.get(key) ?? 0) + 1;
      counts.set(key, nth);
      const point = { service, command, nth };
      const record: RecordedCall = { ...point, detail: detailOf(args.input), outcome: "pending" };
      calls.push(record);
      const entries = plan.filter((entry) => matches(entry, point));
      for (const entry of entries) used.add(entry);
      context[CALL] = {
        point,
        record,
        fault: entries.find(isFault),
        hooks: entries.filter((e): e is Interleave => !isFault(e)),
      };
      try {
        const out = await next(args);
        record.outcome = "ok";
        return out;
      } catch (error) {
        record.outcome = String((error as { name?: unknown }).name ?? "Error");
        throw error;
      }
    };

  const wire =
    (next: (args: unknown) => Promise<{ response?: unknown }>, context: Context) =>
    async (args: unknown) => {
      const state = context[CALL];
      if (!state) return next(args);
      if (crashed) dead();
      const { point, fault } = state;
      for (const hook of state.hooks) if (hook.at === "before") await hook.run();
      if (fault && !fired.includes(fault)) fired.push(fault);

      switch (fault?.kind) {
        case "before":
          if (fault.error === "reset") throw connectionReset();
          if (fault.error === "timeout") throw requestTimeout();
          return { response: throttlingResponse(point.service) };
        case "crash-before":
          return crash(point);
      }

      let out = await next(args);
      if (crashed) {
        // Another call killed the handler while this one was on the wire: nobody reads the answer.
        await drain(out.response);
        dead();
      }
      switch (fault?.kind) {
        case "after":
          await drain(out.response);
          throw fault.error === "reset" ? connectionReset() : requestTimeout();
        case "crash-after":
          await drain(out.response);
          return crash(point);
        case "duplicate":
          await drain(out.response);
          out = await next(args);
          break;
      }
      for (const hook of state.hooks) if (hook.at === "after") await hook.run();
      return out;
    };

  const stacks = new Set<FaultableClient["middlewareStack"]>();
  for (const client of Array.isArray(clients)
    ? (clients as readonly FaultableClient[])
    : Object.values(clients as Record<string, FaultableClient>)) {
    stacks.add(client.middlewareStack);
  }
  for (const stack of stacks) {
    // A session replaces any earlier one left attached to the same client.
    stack.remove(GATE);
    stack.remove(WIRE);
    stack.add(gate, { step: "initialize", priority: "high", name: GATE });
    stack.add(wire, { step: "deserialize", priority: "low", name: WIRE });
  }

  return {
    calls,
    fired,
    get crashed() {
      return crashed;
    },
    get crashedAt() {
      return crashedAt;
    },
    get callsAfterCrash() {
      return callsAfterCrash;
    },
    unused: () => plan.filter((entry) => !used.has(entry)),
    detach() {
      for (const stack of stacks) {
        stack.remove(GATE);
        stack.remove(WIRE);
      }
    },
  };
}
