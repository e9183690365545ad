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
  MemoryBlobStore,
  TaskRegistry,
  type WorkflowSettings,
} from "../../src/index.js";
import { createTaskSteps, workflowStateHandlers } from "../../src/steps.js";
import { exampleTasks } from "../../src/tasks.js";
import { BUCKETS, envelopeFor, FUNCTION_ARNS } from "./factories.js";

type EventLog =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

export interface LocalRun {
  output?: unknown;
  failed?: { error: string; cause: string };
  events: EventLog[];
  /** State names in the order they were entered. */
  path: string[];
  store: BlobStore;
  taskId: string;
}

/**
 * Runs one task through the workflow in aws-local-stepfunctions, with the Lambda states bound
 * to the real step cores over an in-memory store. Retry pauses are overridden to 0 ms so tests
 * do not wait for backoff; the retriers' counts are untouched.
 */
export async function runWorkflowLocally(options: {
  type: string;
  input: JsonValue;
  tasks?: readonly AnyTaskDefinition[];
  settings?: Omit<WorkflowSettings, "functions">;
  overrides?: NonNullable<RunOptions["overrides"]>;
  /** The store the steps keep records in; an empty one in memory by default. */
  store?: BlobStore;
}): Promise<LocalRun> {
  const store = options.store ?? new MemoryBlobStore();
  const steps = createTaskSteps({
    tasks: new TaskRegistry(options.tasks ?? exampleTasks),
    store,
    buckets: BUCKETS,
  });
  const definition = buildWorkflow({ functions: FUNCTION_ARNS, ...options.settings });
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const task = envelopeFor(options.type, options.input);

  const execution = machine.run({ task } as unknown as JsonValue, {
    overrides: {
      taskResourceLocalHandlers: workflowStateHandlers(steps) as never,
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

  const run: LocalRun = { events, path: [], store, taskId: task.id };
  try {
    run.output = await execution.result;
  } catch {
    // The ExecutionFailed event below carries the error and cause.
  }
  await collecting;
  for (const event of events) {
    if (event.type === "StateEntered") run.path.push(event.state.name);
    if (event.type === "ExecutionFailed")
      run.failed = { error: event.Error, cause: String(event.Cause) };
  }
  return run;
}

/** How many times a state was retried in a run. */
export function retriesOf(run: LocalRun, state: string): number {
  return run.events.filter((e) => e.type === "StateRetried" && e.state.name === state).length;
}
