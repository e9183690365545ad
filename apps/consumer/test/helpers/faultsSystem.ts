import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import {
  type AnyTaskDefinition,
  buildWorkflow,
  defineTask,
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  parseEnvelope,
  type TaskRecord,
  TaskRegistry,
} from "@tasklane/shared-task";
import { createTaskSteps, type TaskSteps } from "@tasklane/shared-task/steps";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import { type Actor, TaskPayloads, TaskRecords, tableClient } from "@tasklane/task-store";
import { S3BlobStore } from "@tasklane/task-store/s3";
import {
  ALL_FAULT_VARIANTS,
  type AslDocument,
  type AwsEmulators,
  type DrivenExecution,
  describeFault,
  driveToQuiescence,
  type Fault,
  type FaultSession,
  type FaultVariant,
  faultClients,
  faultPoints,
  type PlanEntry,
  type QuiescenceReport,
  type RecordedCall,
  receiveSqsEvent,
  runWorkflow,
  scanItems,
  settleDeliveries,
  startAwsEmulators,
  type WorkflowRun,
  withFaults,
  workflowStateHandlers,
} from "@tasklane/test-support";
// The fault suite drives the whole system, so it runs the producer's sweep and submissions too.
import { resendUnsent, UNSENT_LEASE_SECONDS } from "../../../producer/src/resendUnsent.js";
import { submitTasks } from "../../../producer/src/submitTasks.js";
import { type StartResult, startTaskExecution } from "../../src/startTaskExecution.js";

export const OWNER = "arn:aws:iam::123456789012:user/faults";
export const ACTOR: Actor = { caller: OWNER, operator: false };

/**
 * The fault kinds every boundary is tried with: both ways of failing before a call (a throttle
 * and a reset classify differently), a lost answer, a lost answer the SDK retried, and the two
 * crashes. A lost answer is tried once, as a timeout: every kind but the reset after a call.
 */
export const FAULT_VARIANTS: readonly FaultVariant[] = ALL_FAULT_VARIANTS.filter(
  (variant) => !(variant.kind === "after" && variant.error === "reset"),
);

/** One call of a task's code, as the instrumented task definitions record it. */
export interface TaskCall {
  fn: "start" | "poll";
  taskId: string;
  generation: number;
  attempt: number;
}

/** Everything one handler (a Lambda function's process) is built from. */
export interface HandlerDeps {
  records: TaskRecords;
  payloads: TaskPayloads;
  sqs: FaultableSqs;
  sfn: SFNClient;
  queueUrl: string;
  stateMachineArn: string;
  inlineInputMaxBytes: number;
  now(): Date;
  steps: TaskSteps;
}

type FaultableSqs = ReturnType<typeof faultClients>["sqs"];

/** The answer a handler gave, or `no-answer` when it crashed on the way. */
export type Answer<T> =
  | { kind: "answered"; value: T }
  | { kind: "threw"; error: Error }
  | { kind: "no-answer" };

export interface FaultSystem {
  aws: AwsEmulators;
  clock: { now(): Date; advance(seconds: number): void };
  /** The deps of handlers nothing fails in: what the driver uses. */
  healthy: HandlerDeps;
  /** The deps of the handler under test, over clients a fault session is attached to. */
  faulty: HandlerDeps;
  /** Every call of a task's code since the case began. */
  taskCalls: TaskCall[];
  workflow: AslDocument;
  /** Starts a fault case: empties the queues, buckets and Step Functions, forgets task calls. */
  beginCase(): void;
  /** Attaches a fault session to the faulty handler's clients. */
  withFaults(plan: readonly PlanEntry[]): FaultSession;
  /** Submits one task with healthy clients; its id. */
  submit(
    type: string,
    input: JsonValue,
    correlationId: string,
    idempotencyKey?: string,
  ): Promise<string>;
  /**
   * A task of `type` whose generation 1 failed (written straight through the records, as its
   * execution would have), with no message left: what a retry starts from.
   */
  failedTask(type: string, input: JsonValue, correlationId: string): Promise<string>;
  /** Delivers every queued message to a healthy consumer; the executions it started. */
  startQueued(): Promise<DrivenExecution[]>;
  /**
   * Hands the next queued message to the consumer under test, as the event source mapping does:
   * deleted if the handler returned, left for redelivery if it threw or died.
   */
  deliverToFaulty(session: FaultSession): Promise<StartResult>;
  /** Runs an execution's workflow; its `state`'s first invocation uses the faulty handler. */
  execute(
    execution: DrivenExecution,
    faulty?: { state: string; session: FaultSession },
  ): Promise<WorkflowRun>;
  /** Sweep, consumer and executions with healthy clients until nothing changes. */
  drive(ran?: Set<string>): Promise<QuiescenceReport>;
  /** The records whose correlation id is one of `correlationIds`, or whose id is in `ids`. */
  recordsOf(scope: Scope): Promise<TaskRecord[]>;
  /** Every key in the payloads bucket (emptied by `beginCase`). */
  payloadKeys(): Promise<string[]>;
  /** Task ids whose messages are in the DLQ. */
  deadLetteredIds(): Set<string>;
  /** The invariants that must hold once the system is quiet; each violation as a sentence. */
  invariants(scope: Scope & { accepted?: readonly string[] }): Promise<string[]>;
  stop(): Promise<void>;
}

export interface Scope {
  correlationIds?: readonly string[];
  ids?: readonly string[];
}

/** A task definition that records each call of its code, then runs it unchanged. */
function instrumented(definition: AnyTaskDefinition, calls: TaskCall[]): AnyTaskDefinition {
  const note = (fn: TaskCall["fn"], ctx: { taskId: string; generation: number; attempt: number }) =>
    calls.push({ fn, taskId: ctx.taskId, generation: ctx.generation, attempt: ctx.attempt });
  const poll = definition.poll;
  return defineTask(definition.contract, {
    start: (input, ctx) => {
      note("start", ctx);
      return definition.start(input, ctx);
    },
    ...(poll
      ? {
          poll: (state: JsonValue, ctx: Parameters<NonNullable<AnyTaskDefinition["poll"]>>[1]) => {
            note("poll", ctx);
            return poll(state, ctx);
          },
        }
      : {}),
  });
}

/** What Step Functions reports when a step's function died: it matches no Retry of the workflow. */
function lambdaUnknown(): Error {
  return Object.assign(
    new Error("The cause could not be determined because Lambda did not return an error type."),
    { name: "Lambda.Unknown" },
  );
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

/**
 * The whole system over in-process emulators, for fault tests: fauxqs (SQS, S3), dynalite (the
 * tasks table) and the Step Functions recorder, whose executions the driver runs through the
 * real workflow document over the step cores, with one clock for everything (a Wait advances
 * it; the sweep runs past the unsent lease). Task code is the example tasks', instrumented.
 */
export async function startFaultSystem(
  options: { prefix?: string; inlineInputMaxBytes?: number; maxInlineBytes?: number } = {},
): Promise<FaultSystem> {
  const aws = await startAwsEmulators({ prefix: options.prefix ?? "faults", maxReceiveCount: 5 });
  let offsetMs = 0;
  const clock = {
    now: () => new Date(Date.now() + offsetMs),
    advance: (seconds: number) => {
      offsetMs += seconds * 1000;
    },
  };
  const taskCalls: TaskCall[] = [];
  const tasks = new TaskRegistry(exampleTasks.map((d) => instrumented(d, taskCalls)));
  const buckets = aws.buckets;
  const stateMachineArn = aws.stepFunctions.stateMachineArn;
  const inlineInputMaxBytes = options.inlineInputMaxBytes ?? 256;

  function depsOver(clients: {
    dynamodb: AwsEmulators["dynamodb"];
    sqs: FaultableSqs;
    s3: AwsEmulators["s3"];
    sfn: SFNClient;
  }): HandlerDeps {
    const records = new TaskRecords(tableClient(clients.dynamodb), {
      tableName: aws.tableName,
      now: clock.now,
    });
    const blobs = new S3BlobStore(clients.s3);
    return {
      records,
      payloads: new TaskPayloads(new S3BlobStore(clients.s3), buckets),
      sqs: clients.sqs,
      sfn: clients.sfn,
      queueUrl: aws.queueUrl,
      stateMachineArn,
      inlineInputMaxBytes,
      now: clock.now,
      steps: createTaskSteps({
        tasks,
        records,
        store: { getText: (l) => blobs.getText(l), putText: (l, body) => blobs.putText(l, body) },
        buckets,
        now: clock.now,
        ...(options.maxInlineBytes !== undefined ? { maxInlineBytes: options.maxInlineBytes } : {}),
      }),
    };
  }

  const healthySfn = new SFNClient({});
  const healthy = depsOver({ dynamodb: aws.dynamodb, sqs: aws.sqs, s3: aws.s3, sfn: healthySfn });
  const clients = faultClients();
  const faultySfn = new SFNClient({ maxAttempts: 1 });
  const faulty = depsOver({ ...clients, sfn: faultySfn });
  const faultable = [clients.dynamodb, clients.sqs, clients.s3, faultySfn];

  const workflow = buildWorkflow({
    functions: {
      createTask: "arn:aws:lambda:us-east-1:123456789012:function:create-task",
      checkTaskStatus: "arn:aws:lambda:us-east-1:123456789012:function:check-task-status",
      taskCompleted: "arn:aws:lambda:us-east-1:123456789012:function:task-completed",
      markFailed: "arn:aws:lambda:us-east-1:123456789012:function:mark-failed",
    },
  }) as unknown as AslDocument;
  const healthyHandlers = workflowStateHandlers(healthy.steps);
  const faultyHandlers = workflowStateHandlers(faulty.steps);
  const queue = { queueUrl: aws.queueUrl, queueArn: aws.queueArn, region: aws.region };
  const queueName = (url: string) => url.split("/").at(-1) as string;
  const startDeps = { sfn: healthySfn, records: healthy.records, stateMachineArn };

  const statusOf = (arn: string) =>
    aws.stepFunctions.executions().find((e) => e.executionArn === arn)?.status;

  async function execute(
    execution: DrivenExecution,
    fault?: { state: string; session: FaultSession },
  ): Promise<WorkflowRun> {
    const run = await runWorkflow(workflow, execution.input, {
      invoke: async (state, input, invocation) => {
        const underTest = fault?.state === state && invocation === 0;
        const handler = (underTest ? faultyHandlers : healthyHandlers)[state];
        if (!handler) throw new Error(`no handler for state ${state}`);
        try {
          const result = await handler(input);
          if (underTest && fault.session.crashed) throw lambdaUnknown();
          return result;
        } catch (error) {
          // A dead process answers nothing: Step Functions sees Lambda.Unknown, whatever it threw.
          if (underTest && fault.session.crashed) throw lambdaUnknown();
          throw error;
        }
      },
      wait: (seconds) => clock.advance(seconds),
      aborted: () => statusOf(execution.executionArn) === "ABORTED",
    });
    if (run.status !== "ABORTED" && statusOf(execution.executionArn) === "RUNNING") {
      aws.stepFunctions.finish(execution.name, run.status);
    }
    return run;
  }

  function inspect(url: string) {
    const queue = aws.fauxqs.inspectQueue(queueName(url));
    if (!queue) throw new Error(`no queue ${url}`);
    const { ready, delayed, inflight } = queue.messages;
    return [...ready, ...delayed, ...inflight.map((m) => m.message)];
  }

  function deadLetteredIds(): Set<string> {
    return new Set(
      inspect(aws.dlqUrl).map((m) => {
        try {
          return parseEnvelope(JSON.parse((m as { body: string }).body)).id;
        } catch {
          return "(not an envelope)";
        }
      }),
    );
  }

  async function recordsOf(scope: Scope): Promise<TaskRecord[]> {
    const correlations = new Set(scope.correlationIds ?? []);
    const ids = new Set(scope.ids ?? []);
    const chosen = await scanItems(aws.dynamodb, aws.tableName, {
      correlationId: [...correlations],
      id: [...ids],
    });
    const records = await Promise.all(chosen.map((item) => healthy.records.get(item.id as string)));
    return records.filter((r): r is TaskRecord => r !== undefined);
  }

  return {
    aws,
    clock,
    healthy,
    faulty,
    taskCalls,
    workflow,
    beginCase() {
      aws.fauxqs.reset();
      aws.stepFunctions.reset();
      taskCalls.length = 0;
    },
    withFaults: (plan) => withFaults(faultable, plan),
    async submit(type, input, correlationId, idempotencyKey) {
      const [outcome] = await submitTasks(healthy, OWNER, correlationId, [
        { type, input, ...(idempotencyKey ? { idempotencyKey } : {}) },
      ]);
      if (outcome?.kind !== "accepted")
        throw new Error(`setup: submit was ${JSON.stringify(outcome)}`);
      return outcome.id;
    },
    async failedTask(type, input, correlationId) {
      const id = newTaskId();
      const createdAt = clock.now().toISOString();
      const created = await healthy.records.create({
        id,
        type,
        owner: OWNER,
        input: { kind: "inline", value: input },
        fingerprint: fingerprintSubmission({ type, input }),
        correlationId,
        createdAt,
      });
      if (!created.created) throw new Error("setup: the task id was taken");
      await healthy.records.markSent(created.record);
      await healthy.records.claimAttempt(id, 1, "setup-run");
      await healthy.records.fail(
        id,
        { generation: 1, runId: "setup-run" },
        {
          name: "TaskPermanentError",
          message: "generation 1 failed in the test's setup",
        },
      );
      return id;
    },
    async startQueued() {
      const before = new Set(aws.stepFunctions.executions().map((e) => e.executionArn));
      for (;;) {
        const event = await receiveSqsEvent(aws.sqs, queue, 10);
        if (event.Records.length === 0) break;
        for (const record of event.Records) {
          await startTaskExecution(startDeps, record.body);
          await settleDeliveries(aws.sqs, aws.queueUrl, { done: [record] });
        }
      }
      return aws.stepFunctions
        .executions()
        .filter((e) => !before.has(e.executionArn))
        .map((e) => ({ name: e.name, executionArn: e.executionArn, input: JSON.parse(e.input) }));
    },
    async deliverToFaulty(session) {
      const [record] = (await receiveSqsEvent(aws.sqs, queue, 1)).Records;
      if (!record) throw new Error("setup: no message in the queue");
      try {
        const result = await startTaskExecution(
          { sfn: faulty.sfn, records: faulty.records, stateMachineArn },
          record.body,
        );
        await settleDeliveries(
          aws.sqs,
          aws.queueUrl,
          session.crashed ? { failed: [record] } : { done: [record] },
        );
        return result;
      } catch (error) {
        await settleDeliveries(aws.sqs, aws.queueUrl, { failed: [record] });
        throw error;
      }
    },
    execute,
    drive: (ran) =>
      driveToQuiescence({
        sqs: aws.sqs,
        queue,
        stepFunctions: aws.stepFunctions,
        sweep: () =>
          resendUnsent({
            records: healthy.records,
            sqs: aws.sqs,
            queueUrl: aws.queueUrl,
            now: () => new Date(clock.now().getTime() + (UNSENT_LEASE_SECONDS + 1) * 1000),
          }),
        deliver: (body) => startTaskExecution(startDeps, body),
        execute: (execution) => execute(execution),
        ...(ran ? { ran } : {}),
      }),
    recordsOf,
    async payloadKeys() {
      const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: buckets.payloads }));
      return (out.Contents ?? []).map((o) => o.Key ?? "");
    },
    deadLetteredIds,
    async invariants(scope) {
      const violations: string[] = [];
      const dead = deadLetteredIds();
      const waiting = inspect(aws.queueUrl).length;
      if (waiting > 0)
        violations.push(`the queue still holds ${waiting} message(s) after the drive`);
      const records = await recordsOf({
        ...scope,
        ids: [...(scope.ids ?? []), ...(scope.accepted ?? [])],
      });
      for (const record of records) {
        if (!TERMINAL.has(record.status) && !dead.has(record.id)) {
          violations.push(
            `task ${record.id} was left ${record.status} at generation ${record.generation}, with no message in the queue or the DLQ`,
          );
        }
      }
      for (const id of scope.accepted ?? []) {
        if (!records.some((r) => r.id === id))
          violations.push(`accepted task ${id} has no record: it was lost`);
      }
      for (const e of aws.stepFunctions.executions()) {
        if (e.status === "RUNNING") violations.push(`execution ${e.name} never ended`);
      }
      const runs = new Map<string, number>();
      for (const call of taskCalls.filter((c) => c.fn === "start")) {
        const key = `task ${call.taskId} generation ${call.generation} attempt ${call.attempt}`;
        runs.set(key, (runs.get(key) ?? 0) + 1);
      }
      for (const [key, count] of runs) {
        if (count > 1) violations.push(`the code of ${key} ran ${count} times`);
      }
      return violations;
    },
    async stop() {
      clients.destroy();
      faultySfn.destroy();
      healthySfn.destroy();
      await aws.stop();
    },
  };
}

/** One operation to try every fault on. */
export interface FaultCase<S, T> {
  /** The operation's name, as the suite prints it. */
  operation: string;
  /** Makes what the operation acts on, with healthy clients, under this case's correlation id. */
  setup(correlationId: string): Promise<S>;
  /** The operation, with the faulty handler's deps. */
  act(deps: HandlerDeps, state: S, session: FaultSession): Promise<T>;
  /** Ids of the tasks the answer accepted: they must end, or be dead-lettered. */
  accepted?(answer: Answer<T>, state: S): readonly string[];
  /** What the client does once answered (a retry of a refused request), with healthy clients. */
  afterAnswer?(answer: Answer<T>, state: S): Promise<void>;
  /** Executions the operation ran itself, which the driver must not run again. */
  ran?(state: S): Set<string>;
  /** What this operation promises beyond the system's invariants, once the system is quiet. */
  check?(context: CaseContext<S, T>): Promise<string[]> | string[];
  /** The ways each boundary fails. @default FAULT_VARIANTS */
  variants?: readonly FaultVariant[];
  /** Plans of several faults at once, for paths that one fault cannot reach (a retried send). */
  extraPlans?: readonly { name: string; plan: readonly Fault[] }[];
}

export interface CaseContext<S, T> {
  state: S;
  answer: Answer<T>;
  correlationId: string;
  label: string;
}

export interface FaultReport {
  operation: string;
  /** The boundaries the operation crossed when nothing failed. */
  boundaries: RecordedCall[];
  /** Fault points tried: each boundary with each variant, and the extra plans. */
  points: number;
  violations: string[];
}

let caseNumber = 0;

/**
 * Records the boundaries `c`'s operation crosses when nothing fails, then, for each boundary and
 * each fault variant (and each extra plan), runs the operation afresh with that fault, drives
 * the system to quiescence and checks the invariants and the operation's own promises. Returns
 * every violation, named after the fault that caused it, rather than stopping at the first.
 */
export async function tryEveryFault<S, T>(
  system: FaultSystem,
  c: FaultCase<S, T>,
): Promise<FaultReport> {
  const run = async (label: string, plan: readonly Fault[]) => {
    system.beginCase();
    caseNumber += 1;
    const correlationId = `${c.operation.replaceAll(" ", "-")}-${caseNumber}`;
    const state = await c.setup(correlationId);
    const session = system.withFaults(plan);
    let answer: Answer<T>;
    try {
      const value = await c.act(system.faulty, state, session);
      answer = session.crashed ? { kind: "no-answer" } : { kind: "answered", value };
    } catch (error) {
      answer = session.crashed ? { kind: "no-answer" } : { kind: "threw", error: error as Error };
    } finally {
      session.detach();
    }
    const violations: string[] = [];
    if (session.unused().length > 0)
      violations.push("the fault never fired: the operation took another path");
    await c.afterAnswer?.(answer, state);
    await system.drive(c.ran?.(state));
    violations.push(
      ...(await system.invariants({
        correlationIds: [correlationId],
        accepted: c.accepted?.(answer, state) ?? [],
      })),
      ...((await c.check?.({ state, answer, correlationId, label })) ?? []),
    );
    return {
      calls: [...session.calls],
      violations: violations.map((v) => `${c.operation}, ${label}: ${v}`),
    };
  };

  const baseline = await run("no fault", []);
  const faults = faultPoints(baseline.calls, c.variants ?? FAULT_VARIANTS);
  const violations = [...baseline.violations];
  for (const fault of faults)
    violations.push(...(await run(describeFault(fault), [fault])).violations);
  for (const extra of c.extraPlans ?? [])
    violations.push(...(await run(extra.name, extra.plan)).violations);
  return {
    operation: c.operation,
    boundaries: baseline.calls,
    points: faults.length + (c.extraPlans?.length ?? 0),
    violations,
  };
}

/** Prints how many fault points an operation was tried with, as the suite reports it. */
export function printFaultReport(report: FaultReport): void {
  const boundaries = report.boundaries.map((b) => `${b.service}.${b.command}#${b.nth}`).join(", ");
  console.log(
    `fault points: ${report.operation}: ${report.points} (${report.boundaries.length} boundaries: ${boundaries})`,
  );
}

/** The value of an answer, or undefined when the handler threw or died. */
export function answered<T>(answer: Answer<T>): T | undefined {
  return answer.kind === "answered" ? answer.value : undefined;
}
