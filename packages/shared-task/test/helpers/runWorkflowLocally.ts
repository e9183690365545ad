import {
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import {
  type AnyTaskDefinition,
  type BlobStore,
  buildWorkflow,
  type JsonValue,
  STATE_NAMES,
  type TaskEnvelope,
  type TaskRecord,
  TaskRegistry,
  type WorkflowSettings,
  type WorkflowType,
} from "../../src/index.js";
import { createTaskSteps, type TaskSteps } from "../../src/steps.js";
import { exampleTasks } from "../../src/tasks.js";
import { BUCKETS, envelopeFor, FUNCTION_ARNS } from "./factories.js";
import { MemoryBlobStore } from "./memoryBlobStore.js";
import { MemoryStepRecords } from "./memoryStepRecords.js";

type EventLog =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

export interface LocalRun {
  output?: unknown;
  failed?: { error: string; cause: string };
  events: EventLog[];
  /** State names in the order they were entered. */
  path: string[];
  store: BlobStore;
  records: MemoryStepRecords;
  taskId: string;
  /** The task's record once the execution ended. */
  record: TaskRecord | undefined;
}

/**
 * Runs one task through the workflow in aws-local-stepfunctions, with the Lambda states bound
 * to the real step cores over an in-memory store and tasks table. The task's record is seeded
 * queued (as the producer leaves it) unless `task` names one already in `records`; the execution
 * input is `{ task, run }`, as the consumer starts it. Retry pauses are overridden to 0 ms so
 * tests do not wait for backoff; the retriers' counts are untouched.
 */
export async function runWorkflowLocally(options: {
  type: string;
  input: JsonValue;
  tasks?: readonly AnyTaskDefinition[];
  settings?: Omit<WorkflowSettings, "functions">;
  /** Which of the two documents runs it. @default "standard" */
  workflow?: WorkflowType;
  overrides?: NonNullable<RunOptions["overrides"]>;
  /** Where large payloads go; an empty store in memory by default. */
  store?: BlobStore;
  /** The tasks table; an empty one in memory by default. */
  records?: MemoryStepRecords;
  /** An envelope whose record `records` holds already (no seeding). */
  task?: TaskEnvelope;
  /** The execution's start id. */
  run?: string;
}): Promise<LocalRun> {
  const store = options.store ?? new MemoryBlobStore();
  const records = options.records ?? new MemoryStepRecords();
  const steps = createTaskSteps({
    tasks: new TaskRegistry(options.tasks ?? exampleTasks),
    records,
    store,
    buckets: BUCKETS,
  });
  const definition = buildWorkflow(
    { functions: FUNCTION_ARNS, ...options.settings },
    options.workflow ?? "standard",
  );
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const task = options.task ?? envelopeFor(options.type, options.input);
  if (!options.task) records.seed(task);
  const run = options.run ?? "run-1";

  const execution = machine.run({ task, run } as unknown as JsonValue, {
    overrides: {
      taskResourceLocalHandlers: stateHandlers(steps) as never,
      retryIntervalOverrides: {
        CreateTask: 0,
        CheckTaskStatus: 0,
        TaskCompleted: 0,
        MarkFailed: 0,
      },
      ...options.overrides,
    },
  });

  const events: LocalRun["events"] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();

  const local: LocalRun = {
    events,
    path: [],
    store,
    records,
    taskId: task.id,
    record: undefined,
  };
  try {
    local.output = await execution.result;
  } catch {
    // The ExecutionFailed event below carries the error and cause.
  }
  await collecting;
  for (const event of events) {
    if (event.type === "StateEntered") local.path.push(event.state.name);
    if (event.type === "ExecutionFailed")
      local.failed = { error: event.Error, cause: String(event.Cause) };
  }
  local.record = await records.get(task.id);
  return local;
}

/** How many times a state was retried in a run. */
export function retriesOf(run: LocalRun, state: string): number {
  return run.events.filter((e) => e.type === "StateRetried" && e.state.name === state).length;
}

/** The step cores by Task state name (test-support's `workflowStateHandlers`, which needs this package). */
function stateHandlers(steps: TaskSteps): Record<string, (input: unknown) => Promise<unknown>> {
  const method = {
    [STATE_NAMES.createTask]: "createTask",
    [STATE_NAMES.checkTaskStatus]: "checkTaskStatus",
    [STATE_NAMES.taskCompleted]: "taskCompleted",
    [STATE_NAMES.markFailed]: "markFailed",
  } as const;
  return Object.fromEntries(
    Object.entries(method).map(([state, name]) => [state, (input: unknown) => steps[name](input)]),
  );
}
