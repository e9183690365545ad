import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { StepFunctionsEndpoint } from "@tasklane/emulators";
import { waitFor } from "@tasklane/test-support";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ExecutionTransition,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  lambdaTaskHandler,
} from "../src/index.js";
import { deferred, testFunction } from "./helpers/localFunctions.js";
import { type ServedStateMachines, serveStateMachines } from "./helpers/servedStateMachine.js";

const MACHINE_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-test-workflow";
const OTHER_MACHINE_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:another";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Work -> After -> Done; `Work` retries `TaskRetryableError` once, without pausing in tests. */
const DEFINITION = {
  StartAt: "Work",
  States: {
    Work: {
      Type: "Task",
      Resource: fnArn("work"),
      Retry: [{ ErrorEquals: ["TaskRetryableError"], MaxAttempts: 1, IntervalSeconds: 1 }],
      Next: "After",
    },
    After: { Type: "Task", Resource: fnArn("after"), Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

interface WorkInput {
  fail?: string;
  failOnce?: boolean;
}

/** The gate `Work` waits at, and the transitions of every machine served. */
let gate: ReturnType<typeof deferred<void>>;
let transitions: ExecutionTransition[];
let served: ServedStateMachines | undefined;
let endpoint: StepFunctionsEndpoint<LocalStepFunctions>;
let sfn: SFNClient;

beforeEach(() => {
  gate = deferred();
  transitions = [];
});

afterEach(async () => {
  vi.useRealTimers();
  gate.resolve();
  await served?.stop();
  served = undefined;
});

/** Serves these machines for the case, each recording its transitions. */
async function serve(...machines: LocalStepFunctionsOptions[]): Promise<void> {
  served = await serveStateMachines(
    ...machines.map((m) => ({
      ...m,
      onTransition: (t: ExecutionTransition) => transitions.push(t),
    })),
  );
  ({ endpoint, sfn } = served);
}

describe("the local Step Functions endpoint", () => {
  let calls: { work: number; after: number };

  beforeEach(async () => {
    // Prepare
    calls = { work: 0, after: 0 };
    const work = testFunction(async (event) => {
      calls.work += 1;
      await gate.promise;
      const input = event as WorkInput;
      if (input.failOnce && calls.work === 1) {
        throw Object.assign(new Error("not yet"), { name: "TaskRetryableError" });
      }
      if (input.fail) throw Object.assign(new Error(input.fail), { name: "TaskPermanentError" });
      return { worked: event };
    });
    const after = testFunction(async (event) => {
      calls.after += 1;
      return event;
    });
    await serve({
      stateMachineArn: MACHINE_ARN,
      definition: DEFINITION,
      taskHandlers: { Work: lambdaTaskHandler(work), After: lambdaTaskHandler(after) },
      timingOverrides: { retryIntervalOverrides: { Work: 0 } },
    });
  });

  const start = (name: string, input: unknown = {}) =>
    sfn.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE_ARN,
        name,
        input: JSON.stringify(input),
      }),
    );
  const describeExecution = (executionArn: string) =>
    sfn.send(new DescribeExecutionCommand({ executionArn }));
  const until = (executionArn: string, status: string) =>
    waitFor(async () => {
      const out = await describeExecution(executionArn);
      return out.status === status ? out : undefined;
    });

  it("runs an execution to SUCCEEDED and describes it as DescribeExecution does", async () => {
    // Act
    const started = await start("first", { hello: "world" });
    const running = await describeExecution(started.executionArn as string);
    gate.resolve();
    const done = await until(started.executionArn as string, "SUCCEEDED");

    // Assess
    expect(started.executionArn).toBe(
      "arn:aws:states:us-east-1:000000000000:execution:tasklane-test-workflow:first",
    );
    expect(started.startDate).toBeInstanceOf(Date);
    expect(running).toMatchObject({ status: "RUNNING", name: "first" });
    expect(running.stopDate).toBeUndefined();
    expect(done).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: MACHINE_ARN,
      status: "SUCCEEDED",
      input: JSON.stringify({ hello: "world" }),
    });
    expect(JSON.parse(done.output as string)).toEqual({ worked: { hello: "world" } });
    expect(done.startDate?.getTime()).toBe(started.startDate?.getTime());
    expect(done.stopDate?.getTime()).toBeGreaterThanOrEqual(done.startDate?.getTime() ?? 0);
  });

  it("answers a second start with the same name and input, while running, with the same execution", async () => {
    // Act
    const first = await start("same", { n: 1 });
    const second = await start("same", { n: 1 });
    gate.resolve();
    await until(first.executionArn as string, "SUCCEEDED");

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate?.getTime()).toBe(first.startDate?.getTime());
    expect(calls.work).toBe(1);
  });

  it("refuses a reused name with another input, and any reuse once the execution ended, with ExecutionAlreadyExists", async () => {
    // Prepare
    const first = await start("taken", { n: 1 });

    // Act
    const otherInput = start("taken", { n: 2 }).catch((error: Error) => error);
    gate.resolve();
    await until(first.executionArn as string, "SUCCEEDED");
    const afterEnd = start("taken", { n: 1 }).catch((error: Error) => error);

    // Assess
    for (const error of [await otherInput, await afterEnd]) {
      expect(error).toMatchObject({
        name: "ExecutionAlreadyExists",
        message: `Execution Already Exists: '${first.executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect(calls.work).toBe(1);
  });

  it("answers a consumer's repeated start of one run with that run's execution, and another run's with ExecutionAlreadyExists", async () => {
    // Prepare
    const task = { v: 1, id: "0193a5c2-6f1e-7d3a-9f00-3c1b2a4d5e6f", generation: 1 };
    const first = await start("task-g1", { task, run: "run-a" });

    // Act
    const again = await start("task-g1", { task, run: "run-a" });
    const otherRun = await start("task-g1", { task, run: "run-b" }).catch((e: Error) => e);
    gate.resolve();
    await until(first.executionArn as string, "SUCCEEDED");
    const sameRunAfterEnd = await start("task-g1", { task, run: "run-a" }).catch((e: Error) => e);

    // Assess
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    expect(otherRun).toMatchObject({ name: "ExecutionAlreadyExists" });
    expect(sameRunAfterEnd).toMatchObject({ name: "ExecutionAlreadyExists" });
    expect(calls.work).toBe(1);
    const described = await describeExecution(first.executionArn as string);
    expect(JSON.parse(described.input as string)).toEqual({ task, run: "run-a" });
  });

  it("stops a running execution: ABORTED at once with the error and cause given, and no later state runs", async () => {
    // Prepare
    const started = await start("to-stop");
    await waitFor(() => (calls.work === 1 ? true : undefined));

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        error: "TaskCancelled",
        cause: "cancelled by a test",
      }),
    );
    const described = await describeExecution(started.executionArn as string);
    gate.resolve();
    await waitFor(() =>
      transitions.some((t) => t.type === "ExecutionAborted") ? true : undefined,
    );

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({
      status: "ABORTED",
      error: "TaskCancelled",
      cause: "cancelled by a test",
    });
    expect(described.stopDate?.getTime()).toBe(stopped.stopDate?.getTime());
    expect(calls.after).toBe(0);
    expect((await describeExecution(started.executionArn as string)).status).toBe("ABORTED");
  });

  it("leaves an execution that already ended as it was when asked to stop it", async () => {
    // Prepare
    gate.resolve();
    const started = await start("ended");
    const done = await until(started.executionArn as string, "SUCCEEDED");

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn }),
    );

    // Assess
    expect(stopped.stopDate?.getTime()).toBe(done.stopDate?.getTime());
    expect((await describeExecution(started.executionArn as string)).status).toBe("SUCCEEDED");
  });

  it("fails an execution with the task's error name and the Lambda error report as its cause", async () => {
    // Prepare
    gate.resolve();

    // Act
    const started = await start("failing", { fail: "no way" });
    const failed = await until(started.executionArn as string, "FAILED");

    // Assess
    expect(failed.error).toBe("TaskPermanentError");
    expect(JSON.parse(failed.cause as string)).toMatchObject({
      errorType: "TaskPermanentError",
      errorMessage: "no way",
    });
  });

  it("lists executions newest first, filtered by status, a page at a time", async () => {
    // Prepare
    gate.resolve();
    for (const name of ["e1", "e2", "e3"]) {
      const started = await start(name);
      await until(started.executionArn as string, "SUCCEEDED");
    }
    gate = deferred();
    await start("e4");
    await start("e5");
    const list = (input: { statusFilter?: "RUNNING"; maxResults?: number; nextToken?: string }) =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, ...input }));

    // Act
    const page1 = await list({ maxResults: 2 });
    const page2 = await list({ maxResults: 2, nextToken: page1.nextToken as string });
    const page3 = await list({ maxResults: 2, nextToken: page2.nextToken as string });
    const running = await list({ statusFilter: "RUNNING" });

    // Assess
    const names = (page: typeof page1) => page.executions?.map((e) => e.name);
    expect(names(page1)).toEqual(["e5", "e4"]);
    expect(names(page2)).toEqual(["e3", "e2"]);
    expect(names(page3)).toEqual(["e1"]);
    expect(page3.nextToken).toBeUndefined();
    expect(names(running)).toEqual(["e5", "e4"]);
    expect(page2.executions?.[0]).toMatchObject({
      status: "SUCCEEDED",
      stateMachineArn: MACHINE_ARN,
    });
    expect(page2.executions?.[0]?.stopDate).toBeInstanceOf(Date);
  });

  describe.each([
    {
      case: "an unknown execution",
      call: () =>
        new DescribeExecutionCommand({
          executionArn:
            "arn:aws:states:us-east-1:000000000000:execution:tasklane-test-workflow:nope",
        }),
      error: "ExecutionDoesNotExist",
    },
    {
      case: "a stop of an unknown execution",
      call: () =>
        new StopExecutionCommand({
          executionArn:
            "arn:aws:states:us-east-1:000000000000:execution:tasklane-test-workflow:nope",
        }),
      error: "ExecutionDoesNotExist",
    },
    {
      case: "a malformed execution ARN",
      call: () => new DescribeExecutionCommand({ executionArn: "not-an-arn" }),
      error: "InvalidArn",
    },
    {
      case: "another state machine",
      call: () => new StartExecutionCommand({ stateMachineArn: OTHER_MACHINE_ARN, input: "{}" }),
      error: "StateMachineDoesNotExist",
    },
    {
      case: "a name with a space",
      call: () => new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: "a b" }),
      error: "InvalidName",
    },
    {
      case: "an input that is not JSON",
      call: () => new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, input: "{" }),
      error: "InvalidExecutionInput",
    },
    {
      case: "an unknown status filter",
      call: () =>
        new ListExecutionsCommand({
          stateMachineArn: MACHINE_ARN,
          statusFilter: "NOPE" as "RUNNING",
        }),
      error: "ValidationException",
    },
    {
      case: "a forged page token",
      call: () => new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, nextToken: "forged" }),
      error: "InvalidToken",
    },
  ])("given $case", ({ call, error }) => {
    it(`answers ${error} with HTTP 400`, async () => {
      // Act
      const thrown = await sfn.send(call() as never).catch((e: unknown) => e);

      // Assess
      expect(thrown).toMatchObject({ name: error, $metadata: { httpStatusCode: 400 } });
    });
  });

  it("answers 503 ServiceUnavailable during an `unavailable` outage, and serves again after it", async () => {
    // Prepare
    gate.resolve();
    endpoint.setOutage("unavailable");

    // Act
    const during = await start("outage").catch((e: unknown) => e);
    endpoint.setOutage(undefined);
    const after = await start("outage");

    // Assess
    expect(during).toMatchObject({
      name: "ServiceUnavailable",
      $fault: "server",
      $metadata: { httpStatusCode: 503 },
    });
    expect(after.executionArn).toMatch(/:outage$/);
  });

  it("drops connections during a `connection-reset` outage", async () => {
    // Prepare
    endpoint.setOutage("connection-reset");

    // Act
    const during = await start("reset").catch((e: unknown) => e);
    endpoint.setOutage(undefined);
    const after = await start("reset");

    // Assess
    expect(during).toBeInstanceOf(Error);
    expect((during as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      undefined,
    );
    expect(after.executionArn).toMatch(/:reset$/);
  });

  it("reports each state entered, failed, retried and exited, in order", async () => {
    // Prepare
    gate.resolve();

    // Act
    const started = await start("retried", { failOnce: true });
    await until(started.executionArn as string, "SUCCEEDED");
    await waitFor(() =>
      transitions.some((t) => t.type === "ExecutionSucceeded") ? true : undefined,
    );

    // Assess
    expect(transitions.map((t) => [t.type, t.state?.name ?? ""])).toEqual([
      ["ExecutionStarted", ""],
      ["StateEntered", "Work"],
      ["StateFailed", "Work"],
      ["StateRetried", "Work"],
      ["StateExited", "Work"],
      ["StateEntered", "After"],
      ["StateExited", "After"],
      ["StateEntered", "Done"],
      ["StateExited", "Done"],
      ["ExecutionSucceeded", ""],
    ]);
    const failed = transitions.find((t) => t.type === "StateFailed");
    expect(failed).toMatchObject({ error: "TaskRetryableError", executionName: "retried" });
    expect(transitions.find((t) => t.type === "StateRetried")?.retryAttempt).toBe(1);
    expect(transitions[0]?.input).toEqual({ failOnce: true });
  });
});

describe("an execution that outlives the state machine's TimeoutSeconds", () => {
  it("ends TIMED_OUT with States.Timeout", async () => {
    // Prepare
    await serve({
      stateMachineArn: MACHINE_ARN,
      definition: {
        StartAt: "Pause",
        TimeoutSeconds: 1,
        States: { Pause: { Type: "Wait", Seconds: 30, Next: "Done" }, Done: { Type: "Succeed" } },
      },
      taskHandlers: {},
    });

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: "slow" }),
    );
    const ended = await waitFor(async () => {
      const out = await sfn.send(
        new DescribeExecutionCommand({ executionArn: started.executionArn }),
      );
      return out.status === "RUNNING" ? undefined : out;
    });

    // Assess
    expect(ended).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(ended.stopDate).toBeInstanceOf(Date);
  });
});

const EXPRESS_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-test-express";

describe("an Express state machine on the local endpoint, beside a Standard one", () => {
  let works: number;

  beforeEach(async () => {
    // Prepare: one endpoint, two machines running the same definition.
    works = 0;
    const work = testFunction(async (event) => {
      works += 1;
      await gate.promise;
      return { worked: event };
    });
    const after = testFunction(async (event) => event);
    const machine = (stateMachineArn: string, type: "STANDARD" | "EXPRESS") => ({
      stateMachineArn,
      type,
      definition: DEFINITION,
      taskHandlers: { Work: lambdaTaskHandler(work), After: lambdaTaskHandler(after) },
      durationLimitMs: 1_000,
    });
    await serve(machine(MACHINE_ARN, "STANDARD"), machine(EXPRESS_ARN, "EXPRESS"));
  });

  const startOn = (stateMachineArn: string, name: string, input: unknown = {}) =>
    sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const ended = (executionArn: string) =>
    waitFor(() =>
      endpoint.executions().find((e) => e.executionArn === executionArn && e.status !== "RUNNING"),
    );

  it("runs two executions for two starts with one name: Express dedupes no name", async () => {
    // Act
    const first = await startOn(EXPRESS_ARN, "task-g1", { run: "a" });
    const second = await startOn(EXPRESS_ARN, "task-g1", { run: "a" });
    gate.resolve();
    await Promise.all([ended(first.executionArn as string), ended(second.executionArn as string)]);

    // Assess
    const arn =
      /^arn:aws:states:us-east-1:000000000000:express:tasklane-test-express:task-g1:[0-9a-f-]{36}$/;
    expect(first.executionArn).toMatch(arn);
    expect(second.executionArn).toMatch(arn);
    expect(second.executionArn).not.toBe(first.executionArn);
    expect(works).toBe(2);
    expect(endpoint.executions()).toEqual([
      expect.objectContaining({ name: "task-g1", type: "EXPRESS", status: "SUCCEEDED" }),
      expect.objectContaining({ name: "task-g1", type: "EXPRESS", status: "SUCCEEDED" }),
    ]);
  });

  it.each([
    ["DescribeExecution", (executionArn: string) => new DescribeExecutionCommand({ executionArn })],
    [
      "StopExecution",
      (executionArn: string) => new StopExecutionCommand({ executionArn, error: "TaskCancelled" }),
    ],
  ])("refuses %s of an Express execution with AWS's InvalidArn", async (_action, command) => {
    // Prepare
    const started = await startOn(EXPRESS_ARN, "task-g1");

    // Act
    const refused = await sfn
      .send(command(started.executionArn as string) as never)
      .catch((e) => e);

    // Assess: and the execution runs on, as a stop could not reach it.
    expect(refused).toMatchObject({
      name: "InvalidArn",
      message: "Invalid Arn: 'Resource type not valid in this context: express'",
      $metadata: { httpStatusCode: 400 },
    });
    expect(endpoint.executions()[0]).toMatchObject({ status: "RUNNING" });
  });

  it("refuses ListExecutions of an Express state machine with StateMachineTypeNotSupported", async () => {
    const refused = await sfn
      .send(new ListExecutionsCommand({ stateMachineArn: EXPRESS_ARN }))
      .catch((e) => e);

    expect(refused).toMatchObject({
      name: "StateMachineTypeNotSupported",
      message: "This operation is not supported by this type of state machine",
    });
  });

  it("fails an Express execution still running at its duration limit with States.Timeout", async () => {
    // Prepare: a clock of the test's own for the limit's timer; the HTTP calls keep theirs.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const status = () => endpoint.executions().find((e) => e.name === "too-long")?.status;

    // Act: Work waits on the gate, which only afterEach opens.
    const started = await startOn(EXPRESS_ARN, "too-long");
    vi.advanceTimersByTime(999);
    const beforeTheLimit = status();
    vi.advanceTimersByTime(1);
    const execution = await ended(started.executionArn as string);

    // Assess: running until the limit's last millisecond, timed out at it.
    expect(beforeTheLimit).toBe("RUNNING");
    expect(execution).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    await waitFor(() => transitions.find((t) => t.type === "ExecutionTimedOut"));
    expect(transitions.find((t) => t.type === "ExecutionTimedOut")).toMatchObject({
      executionArn: started.executionArn,
      workflowType: "EXPRESS",
      error: "States.Timeout",
    });
  });

  it("sets no duration limit on a Standard execution", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const started = await startOn(MACHINE_ARN, "patient");
    // Well past the Express limit (1 s here), within Work's own timeout (10 s).
    vi.advanceTimersByTime(5_000);
    vi.useRealTimers();
    gate.resolve();

    expect(await ended(started.executionArn as string)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("sends each request to the machine its ARN names, and keeps serving Standard's as before", async () => {
    // Act
    const onStandard = await startOn(MACHINE_ARN, "task-g1");
    const again = await startOn(MACHINE_ARN, "task-g1", { other: true }).catch((e) => e);
    const onExpress = await startOn(EXPRESS_ARN, "task-g1");
    const described = await sfn.send(
      new DescribeExecutionCommand({ executionArn: onStandard.executionArn }),
    );
    const unknown = await startOn(OTHER_MACHINE_ARN, "x").catch((e) => e);

    // Assess
    expect(onStandard.executionArn).toBe(
      "arn:aws:states:us-east-1:000000000000:execution:tasklane-test-workflow:task-g1",
    );
    expect(again).toMatchObject({ name: "ExecutionAlreadyExists" });
    expect(onExpress.executionArn).toMatch(/:express:tasklane-test-express:task-g1:/);
    expect(described).toMatchObject({ stateMachineArn: MACHINE_ARN, status: "RUNNING" });
    expect(unknown).toMatchObject({ name: "StateMachineDoesNotExist" });
    expect(endpoint.requests()).toEqual([
      { action: "StartExecution", arn: MACHINE_ARN },
      { action: "StartExecution", arn: MACHINE_ARN, error: "ExecutionAlreadyExists" },
      { action: "StartExecution", arn: EXPRESS_ARN },
      { action: "DescribeExecution", arn: onStandard.executionArn },
      { action: "StartExecution", arn: OTHER_MACHINE_ARN, error: "StateMachineDoesNotExist" },
    ]);
  });

  it("keeps each execution's type, start and stop, and state transitions, for billing", async () => {
    // Act
    const onStandard = await startOn(MACHINE_ARN, "billed");
    const onExpress = await startOn(EXPRESS_ARN, "billed");
    gate.resolve();
    await Promise.all([
      ended(onStandard.executionArn as string),
      ended(onExpress.executionArn as string),
    ]);

    // Assess: Work, After and Done entered, no retries.
    for (const type of ["STANDARD", "EXPRESS"]) {
      const execution = endpoint.executions().find((e) => e.type === type);
      expect(execution, type).toMatchObject({ status: "SUCCEEDED", stateTransitions: 3 });
      expect(execution?.stopDate?.getTime()).toBeGreaterThanOrEqual(
        execution?.startDate.getTime() ?? Number.POSITIVE_INFINITY,
      );
    }
    const types = new Set(
      transitions.map((t) => `${t.workflowType} ${t.stateMachineArn.split(":").at(-1)}`),
    );
    expect(types).toEqual(
      new Set(["STANDARD tasklane-test-workflow", "EXPRESS tasklane-test-express"]),
    );
  });
});
