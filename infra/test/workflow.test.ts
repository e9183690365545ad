import {
  buildWorkflows,
  EXPRESS_EXECUTION_MAX_SECONDS,
  expressWorkflowBounds,
  STATE_NAMES,
  type WorkflowDefinition,
} from "@tasklane/shared-task";
import { FUNCTION_ENV, FUNCTIONS, workflowBounds } from "@tasklane/stack-config";
import aslValidator from "asl-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { LOG_DELIVERY_ACTIONS } from "../components/taskWorkflow.js";
import {
  json,
  MOCK_ACCOUNT_ID,
  type ProgramRun,
  policyOf,
  promiseOf,
  runProgram,
  STACKS,
  stackConfig,
} from "./pulumiMocks.js";

const functionArn = (stack: string, name: string) =>
  `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:tasklane-${stack}-${name}`;
const machineArn = (name: string) =>
  `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:stateMachine:${name}`;

/** The catalog's step function that implements a Task state. */
const stepNamed = (state: string) =>
  FUNCTIONS.find((f) => "state" in f && f.state === state)?.name ?? `<no function for ${state}>`;

/** A Task state's `Resource` and `TimeoutSeconds`, by state name. */
function taskStates(definition: WorkflowDefinition, field: "Resource" | "TimeoutSeconds") {
  return Object.fromEntries(
    Object.entries(definition.States).flatMap(([name, state]) =>
      state.Type === "Task" ? [[name, state[field]]] : [],
    ),
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

describe.each(STACKS)("the state machines of the %s stack", (stack) => {
  const config = stackConfig(stack);
  const expected = buildWorkflows({
    functions: {
      createTask: functionArn(stack, stepNamed(STATE_NAMES.createTask)),
      checkTaskStatus: functionArn(stack, stepNamed(STATE_NAMES.checkTaskStatus)),
      taskCompleted: functionArn(stack, stepNamed(STATE_NAMES.taskCompleted)),
      markFailed: functionArn(stack, stepNamed(STATE_NAMES.markFailed)),
    },
    ...workflowBounds(config),
  });
  let run: ProgramRun;
  let machine: Record<string, unknown>;
  let express: Record<string, unknown>;
  beforeAll(async () => {
    run = await runProgram(stack);
    machine = run.named("workflowStateMachine").inputs;
    express = run.named("workflowExpressStateMachine").inputs;
  });

  it("are defined by buildWorkflows' two documents, with the step functions' ARNs", () => {
    expect(machine.definition).toBe(JSON.stringify(expected.standard));
    expect(express.definition).toBe(JSON.stringify(expected.express));
  });

  it.each(["workflowStateMachine", "workflowExpressStateMachine"])(
    "passes asl-validator, paths and ARNs included (%s)",
    (name) => {
      const { isValid, errorsText } = aslValidator(
        JSON.parse(run.named(name).inputs.definition as string),
      );

      expect(errorsText("\n")).toBe("");
      expect(isValid).toBe(true);
    },
  );

  it("sends each Task state of both to the catalog function that implements it", () => {
    const byState = Object.fromEntries(
      FUNCTIONS.filter((f) => f.role === "step").map((f) => [
        "state" in f ? f.state : "",
        functionArn(stack, f.name),
      ]),
    );

    for (const inputs of [machine, express]) {
      const definition = JSON.parse(inputs.definition as string) as WorkflowDefinition;
      expect(taskStates(definition, "Resource")).toEqual(byState);
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

  it("times the Express workflow out within Express's 5 minutes, each Task state early enough for every retry", () => {
    const definition = JSON.parse(express.definition as string) as WorkflowDefinition;
    const bounds = expressWorkflowBounds(workflowBounds(config));

    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(EXPRESS_EXECUTION_MAX_SECONDS);
    expect(taskStates(definition, "TimeoutSeconds")).toEqual({
      CreateTask: bounds.maxTaskSeconds + 5,
      CheckTaskStatus: bounds.maxTaskSeconds + 5,
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

describe.each(STACKS)("the %s stack with workflow.express off", (stack) => {
  const config = stackConfig(stack);
  const off = { "tasklane:workflow": { ...config.workflow, express: "off" } };
  let run: ProgramRun;
  let auto: ProgramRun;
  beforeAll(async () => {
    [run, auto] = await Promise.all([runProgram(stack, off), runProgram(stack)]);
  });

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
