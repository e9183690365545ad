import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import {
  type AslState,
  buildWorkflow,
  buildWorkflows,
  ERROR_NAMES,
  EXPRESS_EXECUTION_MAX_SECONDS,
  expressWorkflowBounds,
  LAMBDA_SERVICE_ERRORS,
  renderWorkflow,
  STATE_NAMES,
  type WorkflowDefinition,
  WorkflowSettingsError,
} from "../src/index.js";
import { FUNCTION_ARNS } from "./helpers/factories.js";

const definition = buildWorkflow({ functions: FUNCTION_ARNS });
const taskStates = Object.entries(definition.States).filter(
  (entry): entry is [string, Extract<AslState, { Type: "Task" }>] => entry[1].Type === "Task",
);
/** The states that run the task and its outcome; MarkFailed has a retrier of its own. */
const workStates = taskStates.filter(([name]) => name !== STATE_NAMES.markFailed);

describe("buildWorkflow", () => {
  it("passes asl-validator, JSONPaths and ARNs included", () => {
    // A copy: asl-validator fills in defaults (QueryLanguage) on the object it is given.
    const { isValid, errorsText } = aslValidator(structuredClone(definition));

    expect(errorsText("\n")).toBe("");
    expect(isValid).toBe(true);
  });

  it("has the states the design names", () => {
    expect(Object.keys(definition.States)).toEqual(
      expect.arrayContaining([
        "CreateTask",
        "IsTaskDone",
        "WaitForTaskCompletion",
        "CheckTaskStatus",
        "TaskCompleted",
        "MarkFailed",
        "Succeeded",
        "Failed",
      ]),
    );
    expect(definition.StartAt).toBe("CreateTask");
  });

  it("binds each Task state to its own function", () => {
    expect(Object.fromEntries(taskStates.map(([name, state]) => [name, state.Resource]))).toEqual({
      CreateTask: FUNCTION_ARNS.createTask,
      CheckTaskStatus: FUNCTION_ARNS.checkTaskStatus,
      TaskCompleted: FUNCTION_ARNS.taskCompleted,
      MarkFailed: FUNCTION_ARNS.markFailed,
    });
  });

  it("retries the retryable task error at most three times, with exponential backoff, full jitter and a cap", () => {
    for (const [, state] of workStates) {
      expect(state.Retry[0]).toEqual({
        ErrorEquals: [ERROR_NAMES.retryable],
        MaxAttempts: 3,
        IntervalSeconds: 2,
        BackoffRate: 2,
        MaxDelaySeconds: 60,
        JitterStrategy: "FULL",
      });
    }
  });

  it("retries Lambda's own service errors with a retrier of their own", () => {
    for (const [, state] of workStates) {
      expect(state.Retry[1]?.ErrorEquals).toEqual([...LAMBDA_SERVICE_ERRORS]);
      expect(state.Retry[1]?.JitterStrategy).toBe("FULL");
    }
  });

  it("never retries the permanent error while the task runs", () => {
    const retried = workStates.flatMap(([, s]) => s.Retry.flatMap((r) => r.ErrorEquals));

    expect(retried).not.toContain(ERROR_NAMES.permanent);
    expect(retried).not.toContain("States.ALL");
  });

  it("retries MarkFailed on any error, a crash of its function too, as often as the other two retriers together", () => {
    const markFailed = definition.States[STATE_NAMES.markFailed] as Extract<
      AslState,
      { Type: "Task" }
    >;

    expect(markFailed.Retry).toEqual([
      {
        ErrorEquals: ["States.ALL"],
        MaxAttempts: 6,
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxDelaySeconds: 60,
        JitterStrategy: "FULL",
      },
    ]);
  });

  it("catches every error of every step into MarkFailed, except MarkFailed itself", () => {
    for (const [name, state] of taskStates) {
      if (name === STATE_NAMES.markFailed) {
        expect(state.Catch).toBeUndefined();
        expect(state.Next).toBe(STATE_NAMES.failed);
      } else {
        expect(state.Catch).toEqual([
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE_NAMES.markFailed },
        ]);
      }
    }
  });

  it("gives every Task state and the execution a timeout", () => {
    for (const [, state] of taskStates) expect(state.TimeoutSeconds).toBe(60);
    expect(definition.TimeoutSeconds).toBe(86_400);
  });

  it("waits as long as the task's step output asks", () => {
    expect(definition.States.WaitForTaskCompletion).toMatchObject({
      Type: "Wait",
      SecondsPath: "$.step.pollAfterSeconds",
      Next: "CheckTaskStatus",
    });
  });

  it("bounds the poll loop with a counter that leads to MarkFailed", () => {
    const bounded = buildWorkflow({ functions: FUNCTION_ARNS, maxPolls: 25 });

    expect(bounded.States.IsTaskDone).toMatchObject({
      Choices: expect.arrayContaining([
        { Variable: "$.step.polls", NumericGreaterThanEquals: 25, Next: "PollLimitExceeded" },
      ]),
      Default: "WaitForTaskCompletion",
    });
    expect(bounded.States.PollLimitExceeded).toMatchObject({
      Result: { Error: ERROR_NAMES.pollLimitExceeded },
      Next: "MarkFailed",
    });
  });

  it("passes only the envelope, the step and the start id between states, never the task's data", () => {
    expect(definition.States.CreateTask).toMatchObject({
      Parameters: { "task.$": "$.task", "run.$": "$.run" },
    });
    for (const state of [STATE_NAMES.checkTaskStatus, STATE_NAMES.taskCompleted]) {
      expect(definition.States[state]).toMatchObject({
        Parameters: { "task.$": "$.task", "step.$": "$.step", "run.$": "$.run" },
      });
    }
    // MarkFailed takes the whole state: the envelope, the start id and the caught error.
    expect(definition.States.MarkFailed).not.toHaveProperty("Parameters");
    expect(definition.States.Succeeded).toMatchObject({ OutputPath: "$.result" });
    expect(definition.States.Failed).toMatchObject({
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.cause",
    });
  });

  it("applies the retry and timeout settings it is given", () => {
    const custom = buildWorkflow({
      functions: FUNCTION_ARNS,
      taskRetry: { maxAttempts: 5, intervalSeconds: 1, backoffRate: 1.5, maxDelaySeconds: 10 },
      stepTimeoutSeconds: 30,
      executionTimeoutSeconds: 3_600,
    });

    expect(custom.States.CreateTask).toMatchObject({
      TimeoutSeconds: 30,
      Retry: [{ MaxAttempts: 5, IntervalSeconds: 1, BackoffRate: 1.5, MaxDelaySeconds: 10 }, {}],
    });
    expect(custom.TimeoutSeconds).toBe(3_600);
  });

  it("renders the same JSON whatever order the settings' keys come in (stack config is YAML)", () => {
    const settings = {
      functions: FUNCTION_ARNS,
      taskRetry: { maxAttempts: 5, intervalSeconds: 1, backoffRate: 1.5, maxDelaySeconds: 10 },
      maxPolls: 50,
    };
    const reversed = (value: object) => Object.fromEntries(Object.entries(value).reverse());

    const rendered = renderWorkflow({
      maxPolls: 50,
      taskRetry: reversed(settings.taskRetry) as typeof settings.taskRetry,
      functions: reversed(FUNCTION_ARNS) as typeof FUNCTION_ARNS,
    });

    expect(rendered).toBe(renderWorkflow(settings));
  });

  it("keeps its states, their keys and their transitions in a fixed order: a change here changes what is deployed", () => {
    const fresh = buildWorkflow({ functions: FUNCTION_ARNS });
    const shape = Object.entries(fresh.States).map(([name, state]) => {
      const next = "Next" in state ? ` -> ${state.Next}` : "";
      return `${name}: ${Object.keys(state).join(" ")}${next}`;
    });

    expect([Object.keys(fresh).join(" "), ...shape]).toMatchInlineSnapshot(`
      [
        "Comment StartAt TimeoutSeconds States",
        "CreateTask: Type Comment Resource Parameters ResultPath TimeoutSeconds Retry Catch Next -> IsTaskDone",
        "IsTaskDone: Type Comment Choices Default",
        "WaitForTaskCompletion: Type Comment SecondsPath Next -> CheckTaskStatus",
        "CheckTaskStatus: Type Comment Resource Parameters ResultPath TimeoutSeconds Retry Catch Next -> IsTaskDone",
        "PollLimitExceeded: Type Comment Result ResultPath Next -> MarkFailed",
        "TaskCompleted: Type Comment Resource Parameters ResultPath TimeoutSeconds Retry Catch Next -> Succeeded",
        "MarkFailed: Type Comment Resource ResultPath TimeoutSeconds Retry Next -> Failed",
        "Succeeded: Type Comment OutputPath",
        "Failed: Type Comment ErrorPath CausePath",
      ]
    `);
  });

  it.each([
    [
      "a function that is not a Lambda ARN",
      { functions: { ...FUNCTION_ARNS, createTask: "create-task" } },
      "`functions.createTask`: must be a Lambda function ARN",
    ],
    [
      "a negative retry count",
      { taskRetry: { maxAttempts: -1, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 5 } },
      "`taskRetry.maxAttempts`",
    ],
    [
      "a backoff rate under 1",
      { taskRetry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 0.5, maxDelaySeconds: 5 } },
      "`taskRetry.backoffRate`",
    ],
    ["a poll bound past the history limit", { maxPolls: 5_000 }, "`maxPolls`"],
    [
      "an execution shorter than a step",
      { stepTimeoutSeconds: 120, executionTimeoutSeconds: 60 },
      "`executionTimeoutSeconds`: must be longer than stepTimeoutSeconds",
    ],
  ])("rejects %s, naming the setting", (_case, override, message) => {
    const act = () => buildWorkflow({ functions: FUNCTION_ARNS, ...override } as never);

    expect(act).toThrow(WorkflowSettingsError);
    expect(act).toThrow(message);
  });
});

/** The document with every time limit blanked: what must be the same in both workflows. */
function withoutBounds(definition: WorkflowDefinition) {
  const { TimeoutSeconds: _timeout, Comment: _comment, States, ...rest } = definition;
  return {
    ...rest,
    States: Object.fromEntries(
      Object.entries(States).map(([name, state]) => {
        const { TimeoutSeconds: _t, ...kept } = state as AslState & { TimeoutSeconds?: number };
        return [name, kept];
      }),
    ),
  };
}

/**
 * The longest a short task's Express execution can take, read off the document alone: the task
 * runs until `taskSeconds` plus the CreateTask try in flight; then either the TaskTimeoutError
 * (a pause and one more CreateTask try) and MarkFailed, or TaskCompleted with all its retries
 * and MarkFailed with all of its own. Every try at its state's TimeoutSeconds, every pause at
 * IntervalSeconds x BackoffRate^n capped at MaxDelaySeconds.
 */
function documentWorstCaseSeconds(
  definition: WorkflowDefinition,
  taskSeconds: number,
  longerTaskSteps = 0,
): number {
  const task = (name: string) => definition.States[name] as Extract<AslState, { Type: "Task" }>;
  const pauses = (r: Extract<AslState, { Type: "Task" }>["Retry"][number]) =>
    Array.from({ length: r.MaxAttempts }, (_, n) =>
      Math.min(r.MaxDelaySeconds, r.IntervalSeconds * r.BackoffRate ** n),
    );
  const worst = (name: string) => {
    const state = task(name);
    const tries = 1 + state.Retry.reduce((sum, r) => sum + r.MaxAttempts, 0);
    return tries * state.TimeoutSeconds + state.Retry.flatMap(pauses).reduce((a, b) => a + b, 0);
  };
  const create = task(STATE_NAMES.createTask);
  const createTimeout = create.TimeoutSeconds + longerTaskSteps;
  const longestPause = Math.max(1, ...create.Retry.flatMap(pauses));
  const failure = 2 * createTimeout + longestPause + worst(STATE_NAMES.markFailed);
  const completion =
    createTimeout + worst(STATE_NAMES.taskCompleted) + worst(STATE_NAMES.markFailed);
  return taskSeconds + Math.max(failure, completion);
}

describe("buildWorkflows", () => {
  const settings = { functions: FUNCTION_ARNS, stepTimeoutSeconds: 65 };
  const { standard, express } = buildWorkflows(settings);

  it("builds the Standard document buildWorkflow builds, and an Express one", () => {
    expect(standard).toEqual(buildWorkflow(settings));
    expect(express).toEqual(buildWorkflow(settings, "express"));
    expect(renderWorkflow(settings, "express")).toBe(JSON.stringify(express, null, 2));
  });

  it.each([
    ["standard", () => standard],
    ["express", () => express],
  ])("passes asl-validator: the %s document", (_type, document) => {
    const { isValid, errorsText } = aslValidator(structuredClone(document()));

    expect(errorsText("\n")).toBe("");
    expect(isValid).toBe(true);
  });

  it("gives both the same states, retriers, catchers and transitions: only time limits differ", () => {
    expect(withoutBounds(express)).toEqual(withoutBounds(standard));
    expect(express.TimeoutSeconds).not.toBe(standard.TimeoutSeconds);
  });

  it("times the Express execution out within Express's 5 minutes, and its steps early enough for every retry", () => {
    const bounds = expressWorkflowBounds({ stepTimeoutSeconds: 65 });
    const timeouts = Object.fromEntries(
      Object.entries(express.States).flatMap(([name, state]) =>
        state.Type === "Task" ? [[name, state.TimeoutSeconds]] : [],
      ),
    );

    expect(express.TimeoutSeconds).toBe(EXPRESS_EXECUTION_MAX_SECONDS);
    expect(bounds.maxTaskSeconds).toBe(35);
    expect(timeouts).toEqual({
      CreateTask: 40,
      CheckTaskStatus: 40,
      TaskCompleted: 10,
      MarkFailed: 10,
    });
    expect(documentWorstCaseSeconds(express, bounds.maxTaskSeconds)).toBeLessThanOrEqual(
      express.TimeoutSeconds,
    );
    // A task one second longer, with its CreateTask one second longer, would not fit: the bound
    // is as loose as it can be.
    expect(documentWorstCaseSeconds(express, bounds.maxTaskSeconds + 1, 1)).toBeGreaterThan(
      express.TimeoutSeconds,
    );
  });

  it("leaves the Standard document's time limits as configured", () => {
    for (const state of Object.values(standard.States)) {
      if (state.Type === "Task") expect(state.TimeoutSeconds).toBe(65);
    }
    expect(standard.TimeoutSeconds).toBe(86_400);
  });

  it("refuses retries that leave no room for an Express execution, naming them", () => {
    const act = () =>
      buildWorkflows({
        ...settings,
        taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
      });

    expect(act).toThrow(WorkflowSettingsError);
    expect(act).toThrow("no task fits an Express workflow with these retries");
    expect(() =>
      buildWorkflow({
        ...settings,
        taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
      }),
    ).not.toThrow();
  });
});
