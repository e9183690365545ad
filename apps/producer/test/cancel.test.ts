import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { executionName, type TaskStatus } from "@tasklane/shared-task";
import type { TaskRecords } from "@tasklane/task-store";
import type { AwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiHandler, apiEvent, CALLER, call } from "./helpers/apiEvents.js";
import {
  jsonLinesOf,
  metricsIn,
  seedTask,
  startProducerEnvironment,
  storesOf,
} from "./helpers/producerEnvironment.js";

let aws: AwsEmulators;
let records: TaskRecords;
let sfn: SFNClient;
let cancel: ApiHandler;
let output: (string | Uint8Array)[] = [];

beforeAll(async () => {
  aws = await startProducerEnvironment({ metrics: true });
  ({ records } = storesOf(aws));
  sfn = new SFNClient({});
  cancel = (await import("../src/handlers/cancel.js")).handler;
});
afterAll(async () => {
  sfn.destroy();
  await aws.stop();
});
beforeEach(() => {
  aws.stepFunctions.reset();
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.push(chunk);
    return true;
  });
});

const cancelOf = (id: string) =>
  call(
    cancel,
    apiEvent({ routeKey: "DELETE /tasks/{id}", path: `/tasks/${id}`, pathParameters: { id } }),
  );

/** An execution of the task's first generation, as the consumer would have started it. */
const startExecutionOf = (id: string) =>
  sfn.send(
    new StartExecutionCommand({
      stateMachineArn: aws.stepFunctions.stateMachineArn,
      name: executionName(id, 1),
      input: "{}",
    }),
  );

describe("DELETE /tasks/{id}", () => {
  it("cancels a queued task: 200 with the cancelled task, counted once", async () => {
    // Prepare
    const task = await seedTask(records, { owner: CALLER, status: "queued" });

    // Act
    const response = await cancelOf(task.id);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: task.id, status: "cancelled", generation: 1 });
    expect(await records.get(task.id)).toMatchObject({ status: "cancelled", cancelledBy: CALLER });
    expect(metricsIn(jsonLinesOf(output))).toEqual({ TasksCancelled: 1 });
  });

  it("stops the execution of a running task", async () => {
    // Prepare
    const task = await seedTask(records, { owner: CALLER, status: "running" });
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
    const task = await seedTask(records, { owner: CALLER, status: "running" });
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
    const task = await seedTask(records, { owner: CALLER, status: "running" });
    await cancelOf(task.id);
    await startExecutionOf(task.id);
    output = [];

    // Act
    const again = await cancelOf(task.id);

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "cancelled" });
    expect(aws.stepFunctions.executions()[0]).toMatchObject({ status: "ABORTED" });
    expect(metricsIn(jsonLinesOf(output))).toEqual({});
  });

  it("of 8 concurrent cancels, records one cancellation and answers each 200", async () => {
    // Prepare
    const task = await seedTask(records, { owner: CALLER, status: "queued" });

    // Act
    const responses = await Promise.all(Array.from({ length: 8 }, () => cancelOf(task.id)));

    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const record = await records.get(task.id);
    expect(record?.timeline.filter((e) => e.event === "cancelled")).toHaveLength(1);
    expect(metricsIn(jsonLinesOf(output))).toEqual({ TasksCancelled: 1 });
  });

  it.each<TaskStatus>(["succeeded", "failed"])(
    "answers 409 naming the status for a %s task, and changes nothing",
    async (status) => {
      // Prepare
      const task = await seedTask(records, { owner: CALLER, status });

      // Act
      const response = await cancelOf(task.id);

      // Assess
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ taskStatus: status });
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
