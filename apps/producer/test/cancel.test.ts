import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { executionName, type TaskStatus } from "@tasklane/shared-task";
import { captureJsonLines, type JsonLine, metricsIn } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CALLER, call, taskEvent } from "./helpers/apiEvents.js";
import { seedTask } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, cancel } = producerSuite({ metrics: true }, ["cancel"]);
let sfn: SFNClient;
const lines: JsonLine[] = [];

beforeAll(() => {
  sfn = new SFNClient({});
});
afterAll(() => sfn.destroy());
beforeEach(() => {
  aws.stepFunctions.reset();
  // The handlers publish metrics as EMF lines on stdout.
  return captureJsonLines(lines);
});

const cancelOf = (id: string) => call(cancel, taskEvent("DELETE /tasks/{id}", id));

/** An execution of the task's first generation, as the consumer would have started it. */
const startExecutionOf = (id: string) =>
  sfn.send(
    new StartExecutionCommand({
      stateMachineArn: aws.stepFunctions.stateMachineArn,
      name: executionName(id, 1),
      input: "{}",
    }),
  );

/** A task of `CALLER`'s, moved to `status`. */
const seeded = (status: TaskStatus) => seedTask(records, { owner: CALLER, status });

describe("DELETE /tasks/{id}", () => {
  it("cancels a queued task: 200 with the cancelled task, counted once", async () => {
    // Prepare
    const task = await seeded("queued");

    // Act
    const response = await cancelOf(task.id);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: task.id, status: "cancelled", generation: 1 });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled", cancelledBy: CALLER });
    expect(metricsIn(lines)).toEqual({ TasksCancelled: 1 });
  });

  it("stops the execution of a running task", async () => {
    // Prepare
    const task = await seeded("running");
    await startExecutionOf(task.id);

    // Act
    const response = await cancelOf(task.id);

    // Assess
    expect(response.status).toBe(200);
    expect(aws.stepFunctions.executions()).toEqual([
      expect.objectContaining({
        name: executionName(task.id, 1),
        status: "ABORTED",
        error: "TaskCancelled",
        cause: `cancelled by ${CALLER}`,
      }),
    ]);
  });

  it("cancels a task running on Express by its record alone: no call names the Express execution, which cannot be stopped", async () => {
    // Prepare: the consumer started the task on the Express state machine.
    const task = await seeded("running");
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: aws.stepFunctions.expressStateMachineArn,
        name: executionName(task.id, 1),
        input: "{}",
      }),
    );

    // Act
    const response = await cancelOf(task.id);

    // Assess: the cancellation is the record's; the Express execution's next step finds it.
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "cancelled" });
    const calls = aws.stepFunctions.requests().filter((r) => r.action !== "StartExecution");
    // Only the courtesy stop of a Standard execution of that name, which does not exist.
    expect(calls).toEqual([
      {
        action: "StopExecution",
        arn: `${aws.stepFunctions.stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName(task.id, 1)}`,
      },
    ]);
    expect(aws.stepFunctions.executions()).toEqual([
      expect.objectContaining({ type: "EXPRESS", status: "RUNNING" }),
    ]);
  });

  it("answers a repeated cancel 200 again and stops the execution the first may have missed", async () => {
    // Prepare
    const task = await seeded("running");
    await cancelOf(task.id);
    await startExecutionOf(task.id);
    lines.length = 0;

    // Act
    const again = await cancelOf(task.id);

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "cancelled" });
    expect(aws.stepFunctions.executions()[0]).toMatchObject({ status: "ABORTED" });
    expect(metricsIn(lines)).toEqual({});
  });

  it("of 8 concurrent cancels, records one cancellation and answers each 200", async () => {
    // Prepare
    const task = await seeded("queued");

    // Act
    const responses = await Promise.all(Array.from({ length: 8 }, () => cancelOf(task.id)));

    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const record = await records.get(task.id);
    expect(record?.timeline.filter((e) => e.event === "cancelled")).toHaveLength(1);
    expect(metricsIn(lines)).toEqual({ TasksCancelled: 1 });
  });

  it.each<TaskStatus>(["succeeded", "failed"])(
    "answers 409 naming the status for a %s task, and changes nothing",
    async (status) => {
      // Prepare
      const task = await seeded(status);

      // Act
      const response = await cancelOf(task.id);

      // Assess
      expect(response).toMatchObject({ status: 409, body: { taskStatus: status } });
      expect(await records.get(task.id)).toEqual(task);
    },
  );

  it.each([
    ["a task that does not exist", "0190f5b2-7c1e-7d3a-9f00-123456789abc"],
    ["an id that is not a task id", "nope"],
  ])("answers 404 for %s", async (_case, id) => {
    expect((await cancelOf(id)).status).toBe(404);
  });
});
