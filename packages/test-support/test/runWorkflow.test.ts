import { buildWorkflow, ERROR_NAMES } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import { type AslDocument, type RunWorkflowOptions, runWorkflow } from "../src/index.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const workflow = buildWorkflow({
  functions: {
    createTask: arn("create"),
    checkTaskStatus: arn("check"),
    taskCompleted: arn("completed"),
    markFailed: arn("failed"),
  },
}) as unknown as AslDocument;

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

/** Runs the deployed workflow for a task, with these state handlers and clock. */
const runTaskWorkflow = (options: RunWorkflowOptions) =>
  runWorkflow(workflow, { task: {}, run: "r" }, options);

describe("runWorkflow, over the workflow the Pulumi program deploys", () => {
  it("passes each Task state its Parameters and keeps its result at its ResultPath", async () => {
    const inputs: Record<string, unknown> = {};

    const run = await runWorkflow(
      workflow,
      { task: { id: "t" }, run: "r" },
      {
        async invoke(state, input) {
          inputs[state] = input;
          if (state === "CreateTask")
            return { status: "succeeded", attempt: 1, polls: 0, output: 1 };
          return { id: "t", status: "succeeded" };
        },
      },
    );

    expect(run).toMatchObject({ status: "SUCCEEDED", output: { id: "t", status: "succeeded" } });
    expect(run.path).toEqual(["CreateTask", "IsTaskDone", "TaskCompleted", "Succeeded"]);
    expect(inputs.CreateTask).toEqual({ task: { id: "t" }, run: "r" });
    expect(inputs.TaskCompleted).toEqual({
      task: { id: "t" },
      run: "r",
      step: { status: "succeeded", attempt: 1, polls: 0, output: 1 },
    });
  });

  it("retries a retryable error up to MaxAttempts, then catches it into MarkFailed", async () => {
    const failures: unknown[] = [];

    const run = await runTaskWorkflow({
      async invoke(state, input) {
        if (state === "CreateTask") throw named(ERROR_NAMES.retryable, "try again");
        failures.push((input as { error: unknown }).error);
        return { error: ERROR_NAMES.retryable, cause: "try again" };
      },
    });

    expect(run.retries).toEqual({ CreateTask: 3 });
    expect(run.path.slice(-2)).toEqual(["MarkFailed", "Failed"]);
    expect(run).toMatchObject({
      status: "FAILED",
      error: ERROR_NAMES.retryable,
      cause: "try again",
    });
    expect(failures).toEqual([
      {
        Error: ERROR_NAMES.retryable,
        Cause: JSON.stringify({
          errorType: ERROR_NAMES.retryable,
          errorMessage: "try again",
          trace: [],
        }),
      },
    ]);
  });

  it("does not retry an error no retrier names: a crashed CreateTask is Lambda.Unknown, caught into MarkFailed", async () => {
    const run = await runTaskWorkflow({
      async invoke(state) {
        if (state === "CreateTask") throw named("Lambda.Unknown");
        return { id: "t", generation: 1, status: "failed", error: "Lambda.Unknown", cause: "" };
      },
    });

    expect(run.retries).toEqual({});
    expect(run).toMatchObject({ status: "FAILED", error: "Lambda.Unknown" });
  });

  it("retries a crashed MarkFailed (States.ALL) until its tries run out", async () => {
    let markFailedCalls = 0;
    const run = await runTaskWorkflow({
      async invoke(state) {
        if (state === "MarkFailed") {
          markFailedCalls++;
          throw named("Lambda.Unknown");
        }
        throw named(ERROR_NAMES.permanent);
      },
    });

    expect(markFailedCalls).toBe(7);
    expect(run).toMatchObject({ status: "FAILED", error: "Lambda.Unknown" });
  });

  it("waits through the clock it is given, and stops when the execution is aborted", async () => {
    let waited = 0;
    let polls = 0;

    const run = await runTaskWorkflow({
      async invoke(state) {
        if (state === "CreateTask") {
          return { status: "running", attempt: 1, polls: 0, pollAfterSeconds: 5, state: 0 };
        }
        polls += 1;
        return { status: "running", attempt: 1, polls, pollAfterSeconds: 5, state: 0 };
      },
      wait: (seconds) => {
        waited += seconds;
      },
      aborted: () => polls >= 2,
    });

    expect(run.status).toBe("ABORTED");
    expect(waited).toBe(10);
  });

  it("refuses a state type it does not know, rather than running it wrongly", async () => {
    const odd = { StartAt: "Map", States: { Map: { Type: "Map", End: true } } };

    await expect(runWorkflow(odd, {}, { invoke: async () => ({}) })).rejects.toThrow(
      /state type Map/,
    );
  });
});
