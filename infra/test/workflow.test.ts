import { buildWorkflow, STATE_NAMES, type WorkflowDefinition } from "@tasklane/shared-task";
import { FUNCTIONS, workflowStepTimeoutSeconds } from "@tasklane/stack-config";
import aslValidator from "asl-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramRun, promiseOf, runProgram, STACKS, stackConfig } from "./pulumiMocks.js";

const functionArn = (stack: string, name: string) =>
  `arn:aws:lambda:us-east-1:123456789012:function:tasklane-${stack}-${name}`;

/** The catalog's step function that implements a Task state. */
const stepNamed = (state: string) =>
  FUNCTIONS.find((f) => "state" in f && f.state === state)?.name ?? `<no function for ${state}>`;

describe.each(STACKS)("the state machine of the %s stack", (stack) => {
  const config = stackConfig(stack);
  let run: ProgramRun;
  let machine: Record<string, unknown>;
  beforeAll(async () => {
    run = await runProgram(stack);
    machine = run.named("workflowStateMachine").inputs;
  });

  it("is defined by buildWorkflow's document, with the step functions' ARNs", () => {
    const expected = buildWorkflow({
      functions: {
        createTask: functionArn(stack, stepNamed(STATE_NAMES.createTask)),
        checkTaskStatus: functionArn(stack, stepNamed(STATE_NAMES.checkTaskStatus)),
        taskCompleted: functionArn(stack, stepNamed(STATE_NAMES.taskCompleted)),
        markFailed: functionArn(stack, stepNamed(STATE_NAMES.markFailed)),
      },
      taskRetry: config.workflow.taskRetry,
      stepTimeoutSeconds: workflowStepTimeoutSeconds(config),
      executionTimeoutSeconds: config.workflow.executionTimeoutSeconds,
      maxPolls: config.workflow.maxPolls,
    });

    expect(machine.definition).toBe(JSON.stringify(expected));
  });

  it("passes asl-validator, paths and ARNs included", () => {
    const { isValid, errorsText } = aslValidator(JSON.parse(machine.definition as string));

    expect(errorsText("\n")).toBe("");
    expect(isValid).toBe(true);
  });

  it("sends each Task state to the catalog function that implements it", () => {
    const definition = JSON.parse(machine.definition as string) as WorkflowDefinition;
    const resources = Object.fromEntries(
      Object.entries(definition.States)
        .filter(([, state]) => state.Type === "Task")
        .map(([name, state]) => [name, (state as { Resource: string }).Resource]),
    );

    expect(resources).toEqual(
      Object.fromEntries(
        FUNCTIONS.filter((f) => f.role === "step").map((f) => [
          "state" in f ? f.state : "",
          functionArn(stack, f.name),
        ]),
      ),
    );
  });

  it("is a Standard workflow, traced, run by its own role", async () => {
    expect(machine).toMatchObject({
      name: `tasklane-${stack}-workflow`,
      type: "STANDARD",
      tracingConfiguration: { enabled: true },
      roleArn: `arn:aws:iam::123456789012:role/tasklane-${stack}-workflow`,
    });
    expect(await promiseOf(run.program.stateMachineArn)).toMatch(/:stateMachine:/);
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
      logDestination: `arn:aws:logs:us-east-1:123456789012:log-group:${logGroup.name}:*`,
    });
  });
});

describe("the prod state machine", () => {
  it("keeps task data out of its logs", async () => {
    const run = await runProgram("prod");

    expect(run.named("workflowStateMachine").inputs.loggingConfiguration).toMatchObject({
      level: "ERROR",
      includeExecutionData: false,
    });
  });
});
