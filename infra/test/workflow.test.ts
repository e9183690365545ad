import {
  type AslChoiceState,
  type AslTaskState,
  ERROR_NAMES,
  EXPRESS_EXECUTION_MAX_SECONDS,
  expressWorkflowBounds,
  LAMBDA_SERVICE_ERRORS,
  STATE_NAMES,
  type WorkflowBounds,
  type WorkflowDefinition,
} from "@tasklane/shared-task";
import { FUNCTION_ENV, FUNCTIONS, workflowBounds } from "@tasklane/stack-config";
import aslValidator from "asl-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { LOG_DELIVERY_ACTIONS } from "../components/taskWorkflow.js";
import {
  describeEachStack,
  json,
  MOCK_ACCOUNT_ID,
  type ProgramRun,
  plannedRun,
  policyOf,
  promiseOf,
  runProgram,
  stackConfig,
} from "./pulumiMocks.js";

const functionArn = (stack: string, name: string) =>
  `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:tasklane-${stack}-${name}`;
const machineArn = (name: string) =>
  `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:stateMachine:${name}`;

/** A Task state's `Resource` and `TimeoutSeconds`, by state name. */
function taskStates(definition: WorkflowDefinition, field: "Resource" | "TimeoutSeconds") {
  return Object.fromEntries(
    Object.entries(definition.States).flatMap(([name, state]) =>
      state.Type === "Task" ? [[name, state[field]]] : [],
    ),
  );
}

/** Each Task state of a document, by name. */
function taskStatesOf(definition: WorkflowDefinition): [string, AslTaskState][] {
  return Object.entries(definition.States).flatMap(([name, state]) =>
    state.Type === "Task" ? [[name, state] as [string, AslTaskState]] : [],
  );
}

/** Each state's type and the states it can go to next, by state name. */
function transitions(definition: WorkflowDefinition): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const next = [
        ...("Choices" in state ? state.Choices.map((c) => c.Next) : []),
        ...("Default" in state ? [state.Default] : []),
        ...("Next" in state && state.Next !== undefined ? [state.Next] : []),
      ];
      return [name, [state.Type, ...next]];
    }),
  );
}

/** The consumer's environment in a run. */
function consumerEnvironment(run: ProgramRun): Record<string, string> {
  return (
    run.named("startExecutionsFunction").inputs.environment as {
      variables: Record<string, string>;
    }
  ).variables;
}

describeEachStack("the state machines of the %s stack", ({ stack, config, run }) => {
  let machine: Record<string, unknown>;
  let express: Record<string, unknown>;
  let documents: [string, WorkflowDefinition][];
  beforeAll(() => {
    machine = run.named("workflowStateMachine").inputs;
    express = run.named("workflowExpressStateMachine").inputs;
    documents = [
      ["standard", json<WorkflowDefinition>(machine.definition)],
      ["express", json<WorkflowDefinition>(express.definition)],
    ];
  });

  it.each(["workflowStateMachine", "workflowExpressStateMachine"])(
    "passes asl-validator, paths and ARNs included (%s)",
    (name) => {
      const { isValid, errorsText } = aslValidator(json(run.named(name).inputs.definition));

      expect(errorsText("\n")).toBe("");
      expect(isValid).toBe(true);
    },
  );

  it("runs CreateTask, then polls a running task until it succeeds, and marks any failure (both)", () => {
    for (const [type, definition] of documents) {
      expect(definition.StartAt, type).toBe(STATE_NAMES.createTask);
      expect(transitions(definition), type).toEqual({
        [STATE_NAMES.createTask]: ["Task", STATE_NAMES.isTaskDone],
        [STATE_NAMES.isTaskDone]: [
          "Choice",
          STATE_NAMES.taskCompleted,
          STATE_NAMES.pollLimitExceeded,
          STATE_NAMES.waitForTaskCompletion,
        ],
        [STATE_NAMES.waitForTaskCompletion]: ["Wait", STATE_NAMES.checkTaskStatus],
        [STATE_NAMES.checkTaskStatus]: ["Task", STATE_NAMES.isTaskDone],
        [STATE_NAMES.pollLimitExceeded]: ["Pass", STATE_NAMES.markFailed],
        [STATE_NAMES.taskCompleted]: ["Task", STATE_NAMES.succeeded],
        [STATE_NAMES.markFailed]: ["Task", STATE_NAMES.failed],
        [STATE_NAMES.succeeded]: ["Succeed"],
        [STATE_NAMES.failed]: ["Fail"],
      });
    }
  });

  it("records a succeeded step, waits the pause a running task asks for, and stops polling after the stack's maxPolls (both)", () => {
    for (const [type, definition] of documents) {
      const choice = definition.States[STATE_NAMES.isTaskDone] as AslChoiceState;
      expect(choice.Choices, type).toEqual([
        { Variable: "$.step.status", StringEquals: "succeeded", Next: STATE_NAMES.taskCompleted },
        {
          Variable: "$.step.polls",
          NumericGreaterThanEquals: config.workflow.maxPolls,
          Next: STATE_NAMES.pollLimitExceeded,
        },
      ]);
      expect(definition.States[STATE_NAMES.waitForTaskCompletion], type).toMatchObject({
        SecondsPath: "$.step.pollAfterSeconds",
      });
    }
  });

  it("retries a retryable task error with the stack's taskRetry, with full jitter, and sends what still fails to MarkFailed (both)", () => {
    const { maxAttempts, intervalSeconds, backoffRate, maxDelaySeconds } =
      config.workflow.taskRetry;

    expect(maxAttempts).toBeLessThanOrEqual(3);
    for (const [type, definition] of documents) {
      for (const [name, state] of taskStatesOf(definition)) {
        if (name === STATE_NAMES.markFailed) continue;
        expect(state.Retry[0], `${type} ${name}`).toEqual({
          ErrorEquals: [ERROR_NAMES.retryable],
          IntervalSeconds: intervalSeconds,
          MaxAttempts: maxAttempts,
          BackoffRate: backoffRate,
          MaxDelaySeconds: maxDelaySeconds,
          JitterStrategy: "FULL",
        });
        expect(state.Retry, `${type} ${name}`).toHaveLength(2);
        expect(state.Retry[1], `${type} ${name}`).toMatchObject({
          ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
          JitterStrategy: "FULL",
        });
        expect(state.Catch, `${type} ${name}`).toEqual([
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE_NAMES.markFailed },
        ]);
      }
    }
  });

  it("retries MarkFailed on any error, at least as often as the steps before it, and catches nothing there (both)", () => {
    for (const [type, definition] of documents) {
      const markFailed = definition.States[STATE_NAMES.markFailed] as AslTaskState;
      const [retrier, ...others] = markFailed.Retry ?? [];

      expect(others, type).toEqual([]);
      expect(retrier?.ErrorEquals, type).toEqual(["States.ALL"]);
      expect(retrier?.MaxAttempts, type).toBeGreaterThanOrEqual(
        config.workflow.taskRetry.maxAttempts,
      );
      expect(retrier?.JitterStrategy, type).toBe("FULL");
      expect(markFailed.Catch, type).toBeUndefined();
    }
  });

  it("sends each Task state of both to the catalog function that implements it", () => {
    const byState = Object.fromEntries(
      FUNCTIONS.filter((f) => f.role === "step").map((f) => [
        "state" in f ? f.state : "",
        functionArn(stack, f.name),
      ]),
    );

    for (const [type, definition] of documents) {
      expect(taskStates(definition, "Resource"), type).toEqual(byState);
    }
  });

  it("times the Standard workflow out at the stack's executionTimeoutSeconds, each Task state after its function's own timeout", () => {
    const [, standard] = documents[0] as [string, WorkflowDefinition];

    expect(standard.TimeoutSeconds).toBe(config.workflow.executionTimeoutSeconds);
    for (const [name, seconds] of Object.entries(taskStates(standard, "TimeoutSeconds"))) {
      expect(seconds, name).toBeGreaterThan(config.steps.timeoutSeconds);
    }
  });

  it("is a Standard workflow, traced, run by its own role", async () => {
    expect(machine).toMatchObject({
      name: `tasklane-${stack}-workflow`,
      type: "STANDARD",
      tracingConfiguration: { enabled: true },
      roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/tasklane-${stack}-workflow`,
    });
    expect(await promiseOf(run.program.stateMachineArn)).toBe(
      machineArn(`tasklane-${stack}-workflow`),
    );
  });

  it("runs short tasks on an Express workflow, traced, by the same role, exported beside the Standard one", async () => {
    expect(express).toMatchObject({
      name: `tasklane-${stack}-workflow-express`,
      type: "EXPRESS",
      tracingConfiguration: { enabled: true },
      roleArn: machine.roleArn,
    });
    const exported = run.program.expressStateMachineArn;
    if (!exported) throw new Error("the program exports no expressStateMachineArn");
    expect(await promiseOf(exported)).toBe(machineArn(`tasklane-${stack}-workflow-express`));
  });

  it("times the Express workflow out within Express's 5 minutes, giving every task the consumer sends there its whole timeoutSeconds", () => {
    const [, definition] = documents[1] as [string, WorkflowDefinition];
    const bounds = json<WorkflowBounds>(consumerEnvironment(run)[FUNCTION_ENV.workflowBounds]);
    const { maxTaskSeconds } = expressWorkflowBounds(bounds);

    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(EXPRESS_EXECUTION_MAX_SECONDS);
    expect(taskStates(definition, "TimeoutSeconds")).toEqual({
      CreateTask: maxTaskSeconds + 5,
      CheckTaskStatus: maxTaskSeconds + 5,
      TaskCompleted: 10,
      MarkFailed: 10,
    });
  });

  it("logs at the stack's level to its own log group, with execution data only where configured", () => {
    const logGroup = run.named("workflowLogGroup").inputs;

    expect(logGroup).toMatchObject({
      name: `/aws/vendedlogs/states/tasklane-${stack}-workflow`,
      retentionInDays: config.logs.retentionDays,
    });
    expect(machine.loggingConfiguration).toEqual({
      level: config.workflow.logLevel,
      includeExecutionData: config.workflow.includeExecutionData,
      logDestination: `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:${logGroup.name}:*`,
    });
  });

  it("logs the Express executions, whose only history their logs are, to a log group of its own, at least their errors", () => {
    const logGroup = run.named("workflowExpressLogGroup").inputs;

    expect(logGroup).toEqual({
      name: `/aws/vendedlogs/states/tasklane-${stack}-workflow-express`,
      retentionInDays: config.logs.retentionDays,
    });
    expect(express.loggingConfiguration).toEqual({
      level: config.workflow.logLevel === "ALL" ? "ALL" : "ERROR",
      includeExecutionData: config.workflow.includeExecutionData,
      logDestination: `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:${logGroup.name}:*`,
    });
  });

  it("lets the role deliver the logs, with the actions AWS grants only on *", () => {
    const deliver = policyOf(run, "workflowPolicy").Statement.find((s) => s.Sid === "DeliverLogs");

    expect(deliver).toEqual({
      Sid: "DeliverLogs",
      Effect: "Allow",
      Action: LOG_DELIVERY_ACTIONS,
      Resource: ["*"],
    });
  });

  it("alarms when Express executions fail or time out, as for Standard ones", async () => {
    const topicArn = await promiseOf(run.program.alarmTopicArn);

    for (const [id, metricName] of [
      ["express-executions-failed", "ExecutionsFailed"],
      ["express-executions-timed-out", "ExecutionsTimedOut"],
    ]) {
      expect(run.named(`alarms-${id}`).inputs, id).toMatchObject({
        namespace: "AWS/States",
        metricName,
        dimensions: { StateMachineArn: machineArn(`tasklane-${stack}-workflow-express`) },
        statistic: "Sum",
        threshold: 0,
        alarmActions: [topicArn],
      });
    }
  });

  it("charts Express executions beside Standard ones, with no aborted count (none can be stopped)", () => {
    const body = json<{ widgets: { properties: { title: string; metrics: unknown[][] } }[] }>(
      run.named("alarmsDashboard").inputs.dashboardBody,
    );
    const executions =
      body.widgets.find((w) => w.properties.title === "Executions")?.properties.metrics ?? [];
    const chartedFor = (arn: string) => executions.filter((m) => m[3] === arn).map((m) => m[1]);

    const counts = [
      "ExecutionsStarted",
      "ExecutionsSucceeded",
      "ExecutionsFailed",
      "ExecutionsTimedOut",
    ];
    expect(chartedFor(machineArn(`tasklane-${stack}-workflow`))).toEqual([
      ...counts,
      "ExecutionsAborted",
    ]);
    expect(chartedFor(machineArn(`tasklane-${stack}-workflow-express`))).toEqual(counts);
  });

  it("gives the consumer the Express state machine and the bounds both workflows were built with", () => {
    expect(consumerEnvironment(run)).toMatchObject({
      [FUNCTION_ENV.expressStateMachineArn]: machineArn(`tasklane-${stack}-workflow-express`),
      [FUNCTION_ENV.workflowBounds]: JSON.stringify(workflowBounds(config)),
    });
  });
});

describe("the prod state machines", () => {
  it("keep task data out of their logs", async () => {
    const run = await runProgram("prod");

    for (const name of ["workflowStateMachine", "workflowExpressStateMachine"]) {
      expect(run.named(name).inputs.loggingConfiguration, name).toMatchObject({
        level: "ERROR",
        includeExecutionData: false,
      });
    }
  });
});

describeEachStack("the %s stack with workflow.express off", ({ stack, config, run: auto }) => {
  const run = plannedRun(stack, { "tasklane:workflow": { ...config.workflow, express: "off" } });

  it("deploys no Express state machine, log group or alarm, and exports none", async () => {
    const names = run.resources.map((r) => r.name);

    expect(run.ofType("aws:sfn/stateMachine:StateMachine").map((r) => r.inputs.type)).toEqual([
      "STANDARD",
    ]);
    expect(names.filter((name) => /express/i.test(name))).toEqual([]);
    expect(run.program.expressStateMachineArn).toBeUndefined();
  });

  it("deploys the very Standard state machine the auto stack does", () => {
    expect(run.named("workflowStateMachine").inputs.definition).toBe(
      auto.named("workflowStateMachine").inputs.definition,
    );
  });

  it("gives the consumer no Express state machine, and no bounds to choose by", () => {
    const variables = consumerEnvironment(run);

    expect(variables).not.toHaveProperty(FUNCTION_ENV.expressStateMachineArn);
    expect(variables).not.toHaveProperty(FUNCTION_ENV.workflowBounds);
    expect(variables[FUNCTION_ENV.stateMachineArn]).toBe(machineArn(`tasklane-${stack}-workflow`));
  });

  it("lets the consumer start executions of the Standard state machine only", () => {
    const start = policyOf(run, "startExecutionsPolicy").Statement.find(
      (s) => s.Sid === "StartExecutions",
    );

    expect(start?.Resource).toEqual([machineArn(`tasklane-${stack}-workflow`)]);
  });

  it("lets only the Standard state machine assume the workflow role", () => {
    const trust = json<{ Statement: { Condition: { ArnLike: Record<string, unknown> } }[] }>(
      run.named("workflowRole").inputs.assumeRolePolicy,
    );

    expect(trust.Statement[0]?.Condition.ArnLike).toEqual({
      "aws:SourceArn": machineArn(`tasklane-${stack}-workflow`),
    });
  });
});

describe("a stack whose Standard workflow logs nothing", () => {
  it("still logs the Express workflow's errors, its executions' only history", async () => {
    const config = stackConfig("dev");
    const run = await runProgram("dev", {
      "tasklane:workflow": { ...config.workflow, logLevel: "OFF" },
    });

    expect(() => run.named("workflowLogGroup")).toThrow("no resource named workflowLogGroup");
    expect(run.named("workflowStateMachine").inputs.loggingConfiguration).toEqual({
      level: "OFF",
      includeExecutionData: false,
    });
    expect(run.named("workflowExpressStateMachine").inputs.loggingConfiguration).toMatchObject({
      level: "ERROR",
    });
    expect(policyOf(run, "workflowPolicy").Statement.map((s) => s.Sid)).toContain("DeliverLogs");
  });
});
