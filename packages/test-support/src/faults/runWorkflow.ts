/**
 * The part of the Amazon States Language `runWorkflow` executes: Task (with Parameters,
 * ResultPath, Retry and Catch), Choice (StringEquals, NumericGreaterThanEquals), Wait, Pass,
 * Succeed and Fail. Anything else throws, so a workflow that grows past it fails loudly here
 * instead of being run wrongly.
 */
export interface AslDocument {
  StartAt: string;
  States: Record<string, AslStateDocument>;
}

interface AslRetrierDocument {
  ErrorEquals: string[];
  MaxAttempts?: number;
}

interface AslCatcherDocument {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}

export interface AslStateDocument {
  Type: string;
  Next?: string;
  End?: boolean;
  InputPath?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  OutputPath?: string;
  Retry?: AslRetrierDocument[];
  Catch?: AslCatcherDocument[];
  Choices?: Array<Record<string, unknown>>;
  Default?: string;
  Seconds?: number;
  SecondsPath?: string;
  Result?: unknown;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

/** How an execution ended. */
export interface WorkflowRun {
  status: "SUCCEEDED" | "FAILED" | "ABORTED";
  output?: unknown;
  error?: string;
  cause?: string;
  /** State names in the order they were entered. */
  path: string[];
  /** Retries per Task state, as Step Functions would count them. */
  retries: Record<string, number>;
}

export interface RunWorkflowOptions {
  /**
   * Invokes a Task state's function with the state's effective input; `invocation` counts the
   * calls of that state in this execution, from 0. A thrown error's `name` is the error the
   * state machine matches; its `message` travels as the cause.
   */
  invoke(state: string, input: unknown, invocation: number): Promise<unknown>;
  /** A Wait state's pause: a test advances its clock rather than sleeping. */
  wait?(seconds: number): void;
  /** Whether the execution was stopped (`StopExecution`): no further state runs. */
  aborted?(): boolean;
  /** Bound on state transitions, against a workflow that loops forever. @default 10000 */
  maxTransitions?: number;
}

class UnsupportedAslError extends Error {
  override name = "UnsupportedAslError";
}

function select(data: unknown, path: string): unknown {
  if (path === "$") return data;
  if (!path.startsWith("$.")) throw new UnsupportedAslError(`path ${path}`);
  let value = data;
  for (const key of path.slice(2).split(".")) {
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return value;
}

function place(data: unknown, path: string | null | undefined, result: unknown): unknown {
  if (path === null) return data;
  if (path === undefined || path === "$") return result;
  if (!path.startsWith("$.")) throw new UnsupportedAslError(`ResultPath ${path}`);
  const keys = path.slice(2).split(".");
  const root = structuredClone((data ?? {}) as Record<string, unknown>);
  let at = root;
  for (const key of keys.slice(0, -1)) {
    at[key] = { ...((at[key] as Record<string, unknown> | undefined) ?? {}) };
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = result;
  return root;
}

function parameters(template: unknown, data: unknown): unknown {
  if (Array.isArray(template)) return template.map((t) => parameters(t, data));
  if (typeof template !== "object" || template === null) return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith(".$")
        ? [key.slice(0, -2), select(data, String(value))]
        : [key, parameters(value, data)],
    ),
  );
}

function errorMatches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.some(
    (e) =>
      e === error ||
      e === "States.ALL" ||
      (e === "States.TaskFailed" && error !== "States.Timeout"),
  );
}

function choose(state: AslStateDocument, data: unknown): string {
  for (const rule of state.Choices ?? []) {
    const { Variable, Next, ...test } = rule as { Variable: string; Next: string };
    const value = select(data, Variable);
    const [operator, operand] = Object.entries(test)[0] ?? [];
    switch (operator) {
      case "StringEquals":
        if (value === operand) return Next;
        break;
      case "NumericGreaterThanEquals":
        if (typeof value === "number" && value >= (operand as number)) return Next;
        break;
      default:
        throw new UnsupportedAslError(`Choice operator ${String(operator)}`);
    }
  }
  if (!state.Default) throw new Error("States.NoChoiceMatched");
  return state.Default;
}

/** Lambda's error document, as Step Functions passes it on in a caught error's `Cause`. */
function causeOf(error: Error): string {
  return JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] });
}

/**
 * Runs an execution of `definition` to its end, as Step Functions would, calling `invoke` for
 * each Task state: a faithful stepper for tests that drive the real workflow document (the one
 * the Pulumi program deploys) over the step cores, with time skipped. A Task state that throws
 * is retried by the first retrier whose `ErrorEquals` matches, up to its `MaxAttempts` (backoff
 * is not waited for), then caught by the first matching catcher; with neither, the execution
 * fails with the error.
 */
export async function runWorkflow(
  definition: AslDocument,
  input: unknown,
  options: RunWorkflowOptions,
): Promise<WorkflowRun> {
  const run: WorkflowRun = { status: "FAILED", path: [], retries: {} };
  const invocations = new Map<string, number>();
  let data = input;
  let current: string | undefined = definition.StartAt;
  const max = options.maxTransitions ?? 10_000;

  while (current !== undefined) {
    if (options.aborted?.()) return { ...run, status: "ABORTED" };
    if (run.path.length >= max) throw new Error(`the workflow did not end in ${max} transitions`);
    const name: string = current;
    const state: AslStateDocument | undefined = definition.States[name];
    if (!state) throw new UnsupportedAslError(`no state ${name}`);
    run.path.push(name);
    const effective = state.InputPath ? select(data, state.InputPath) : data;

    switch (state.Type) {
      case "Task": {
        const args = state.Parameters ? parameters(state.Parameters, effective) : effective;
        const retried = new Map<AslRetrierDocument, number>();
        let outcome: { ok: true; result: unknown } | { ok: false; error: string; cause: string };
        for (;;) {
          const n = invocations.get(name) ?? 0;
          invocations.set(name, n + 1);
          try {
            outcome = { ok: true, result: await options.invoke(name, args, n) };
          } catch (thrown) {
            const error = thrown instanceof Error ? thrown : new Error(String(thrown));
            outcome = { ok: false, error: error.name, cause: causeOf(error) };
          }
          // A stopped execution discards what its running function returns.
          if (options.aborted?.()) return { ...run, status: "ABORTED" };
          if (outcome.ok) break;
          const failure = outcome;
          const retrier = state.Retry?.find((r: AslRetrierDocument) =>
            errorMatches(r.ErrorEquals, failure.error),
          );
          const count = retrier ? (retried.get(retrier) ?? 0) : 0;
          if (!retrier || count >= (retrier.MaxAttempts ?? 3)) break;
          retried.set(retrier, count + 1);
          run.retries[name] = (run.retries[name] ?? 0) + 1;
        }
        if (outcome.ok) {
          data = place(data, state.ResultPath, outcome.result);
          current = state.End ? undefined : state.Next;
          if (state.End) run.output = state.OutputPath ? select(data, state.OutputPath) : data;
          break;
        }
        const failure = outcome;
        const catcher = state.Catch?.find((c: AslCatcherDocument) =>
          errorMatches(c.ErrorEquals, failure.error),
        );
        if (!catcher)
          return { ...run, status: "FAILED", error: failure.error, cause: failure.cause };
        data = place(data, catcher.ResultPath ?? "$", {
          Error: failure.error,
          Cause: failure.cause,
        });
        current = catcher.Next;
        break;
      }
      case "Choice":
        current = choose(state, effective);
        break;
      case "Wait": {
        const seconds = state.SecondsPath
          ? Number(select(effective, state.SecondsPath))
          : (state.Seconds ?? 0);
        options.wait?.(seconds);
        current = state.Next;
        break;
      }
      case "Pass":
        data = place(data, state.ResultPath, state.Result ?? effective);
        current = state.End ? undefined : state.Next;
        break;
      case "Succeed":
        return {
          ...run,
          status: "SUCCEEDED",
          output: state.OutputPath ? select(effective, state.OutputPath) : effective,
        };
      case "Fail":
        return {
          ...run,
          status: "FAILED",
          error: state.ErrorPath ? String(select(effective, state.ErrorPath)) : state.Error,
          cause: state.CausePath ? String(select(effective, state.CausePath)) : state.Cause,
        };
      default:
        throw new UnsupportedAslError(`state type ${state.Type}`);
    }
  }
  return { ...run, status: "SUCCEEDED" };
}
