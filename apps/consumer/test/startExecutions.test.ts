import { SFNClient } from "@aws-sdk/client-sfn";
import { executionName, type TaskEnvelope, type TaskStatus } from "@tasklane/shared-task";
import { TaskRecords, tableClient } from "@tasklane/task-store";
import {
  type EventSourceQueue,
  type JsonLine,
  metricsIn,
  receiveSqsEvent,
  sendMessages,
  settleSqsBatch,
  sqsRecord,
  taskEnvelope,
} from "@tasklane/test-support";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTaskExecution } from "../src/startTaskExecution.js";
import { freshStart, lambdaContext, recordFor } from "./helpers/consumerEnvironment.js";
import { consumerSuite } from "./helpers/consumerSuite.js";

const {
  aws,
  records,
  queue: standard,
  startExecutions,
} = consumerSuite({ metrics: true }, ["startExecutions"]);
let fifo: EventSourceQueue;
const lines: JsonLine[] = [];

beforeAll(() => {
  const fifoQueue = aws.fauxqs.createQueue("tasklane-test-fifo-tasks.fifo", {
    attributes: { FifoQueue: "true" },
  });
  fifo = { queueUrl: fifoQueue.queueUrl, queueArn: fifoQueue.queueArn, region: aws.region };
});
// The handler publishes its metrics as EMF lines on stdout.
beforeEach(() => freshStart(aws, lines));

/** A queued task: its envelope, with the record the producer wrote for it. */
async function queuedTask(type: string, input: object, overrides: Partial<TaskEnvelope> = {}) {
  const task = taskEnvelope(type, input as never, overrides);
  await recordFor(records, task);
  return task;
}

/** A message per item, sent in this order; on a FIFO queue a string goes to group g1. */
const send = (queue: EventSourceQueue, bodies: (TaskEnvelope | string)[]) =>
  sendMessages(
    aws.sqs,
    queue.queueUrl,
    bodies.map((body) =>
      typeof body === "string"
        ? { body, groupId: "g1" }
        : { body: JSON.stringify(body), groupId: body.groupId ?? body.id },
    ),
  );

/** Receives a batch as the event source mapping would. */
const receive = (queue: EventSourceQueue, max = 10) => receiveSqsEvent(aws.sqs, queue, max);

const invoke = (event: SQSEvent) =>
  startExecutions(event, lambdaContext("tasklane-start-executions"));

/** Sends the envelopes, receives them and invokes the handler with that batch. */
async function deliver(bodies: (TaskEnvelope | string)[]) {
  await send(standard, bodies);
  const event = await receive(standard);
  expect(event.Records).toHaveLength(bodies.length);
  return { event, response: await invoke(event) };
}

/** The message id of the record whose body is `body`. */
function messageIdOf(event: SQSEvent, body: TaskEnvelope | string): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const record = event.Records.find((r) => r.body === text);
  if (!record) throw new Error(`no record carries ${text.slice(0, 60)}`);
  return record.messageId;
}

const executionNames = () => aws.stepFunctions.executions().map((e) => e.name);
const failuresOf = (response: SQSBatchResponse) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

describe("the SQS handler on a standard queue", () => {
  it("starts one execution per queued task generation, named after it, with a start id", async () => {
    // Prepare
    const tasks = [await queuedTask("echo", { n: 1 }), await queuedTask("echo", { n: 2 })];

    // Act
    const { response } = await deliver(tasks);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(executionNames().sort()).toEqual(tasks.map((t) => executionName(t.id, 1)).sort());
    const inputs = aws.stepFunctions.executions().map((e) => JSON.parse(e.input));
    expect(inputs).toEqual(
      expect.arrayContaining(tasks.map((task) => ({ task, run: expect.any(String) }))),
    );
    expect(new Set(inputs.map((i) => i.run)).size).toBe(2);
    expect(metricsIn(lines)).toEqual({ TasksStarted: 2 });
  });

  it("absorbs a duplicate delivery of a queued task: ExecutionAlreadyExists, one execution", async () => {
    // Prepare: the first delivery started the execution, which has not claimed the record yet.
    const task = await queuedTask("echo", { n: 3 });
    await deliver([task]);
    lines.length = 0;

    // Act
    const { response } = await deliver([task]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    // Each start carries its own start id, so Step Functions refuses the second one.
    expect(aws.stepFunctions.startCalls().map((c) => c.answer)).toEqual([
      "started",
      "ExecutionAlreadyExists",
    ]);
    expect(executionNames()).toEqual([executionName(task.id, 1)]);
    expect(metricsIn(lines)).toEqual({ DuplicateDeliveries: 1 });
  });

  it.each<TaskStatus>(["running", "succeeded", "failed"])(
    "counts a delivery of a %s task as a duplicate, and starts nothing",
    async (status) => {
      // Prepare
      const task = taskEnvelope("echo", { status });
      await recordFor(records, task, status);

      // Act
      const { response } = await deliver([task]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(aws.stepFunctions.startCalls()).toEqual([]);
      expect(metricsIn(lines)).toEqual({ DuplicateDeliveries: 1 });
    },
  );

  it("drops a message whose task has no record (a rolled-back submission) as an orphan", async () => {
    // Prepare
    const orphan = taskEnvelope("echo", { n: 4 });

    // Act
    const { event, response } = await deliver([orphan]);
    const deleted = await settleSqsBatch(aws.sqs, standard.queueUrl, event, response);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deleted).toEqual([messageIdOf(event, orphan)]);
    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ OrphanMessages: 1 });
  });

  it.each([
    { case: "an older generation than the record's (it was retried)", recordAt: 2, message: 1 },
    { case: "a generation the record never reached", recordAt: 1, message: 2 },
  ])("drops a message of $case as stale", async ({ recordAt, message }) => {
    // Prepare
    const task = taskEnvelope("echo", { n: 5 });
    await recordFor(records, task, "queued", { generation: recordAt });

    // Act
    const { response } = await deliver([{ ...task, generation: message }]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ StaleMessages: 1 });
  });

  it("starts the generation a retry queued, under its own name", async () => {
    // Prepare
    const task = taskEnvelope("echo", { n: 6 });
    await recordFor(records, task, "queued", { generation: 2 });

    // Act
    const { response } = await deliver([{ ...task, generation: 2 }]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(executionNames()).toEqual([executionName(task.id, 2)]);
  });

  it("skips a task cancelled while it waited: no execution, and its message is done", async () => {
    // Prepare
    const cancelled = taskEnvelope("sleep", { seconds: 30 });
    await recordFor(records, cancelled, "cancelled");

    // Act
    const { event, response } = await deliver([cancelled]);
    const deleted = await settleSqsBatch(aws.sqs, standard.queueUrl, event, response);

    // Assess
    expect(deleted).toEqual([messageIdOf(event, cancelled)]);
    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(executionNames()).toEqual([]);
    expect(metricsIn(lines)).toEqual({ CancelledSkipped: 1 });
  });

  it("stops the execution an earlier delivery started before the task was cancelled", async () => {
    // Prepare: the cancel met no execution yet (none had claimed the task), so it stopped none.
    const task = await queuedTask("sleep", { seconds: 30 });
    await deliver([task]);
    await records.cancel(task.id, { caller: "someone", operator: true });

    // Act
    const { response } = await deliver([task]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(aws.stepFunctions.executions()).toEqual([
      expect.objectContaining({
        name: executionName(task.id, 1),
        status: "ABORTED",
        error: "TaskCancelled",
      }),
    ]);
  });

  it("reports an envelope that can never be valid, which stays in the queue for the DLQ", async () => {
    // Prepare
    const good = await queuedTask("echo", { n: 7 });
    const notJson = "this is not an envelope";
    const noVersion = JSON.stringify({ ...good, v: undefined });

    // Act
    const { event, response } = await deliver([good, notJson, noVersion]);
    const deleted = await settleSqsBatch(aws.sqs, standard.queueUrl, event, response);

    // Assess
    expect(failuresOf(response).sort()).toEqual(
      [messageIdOf(event, notJson), messageIdOf(event, noVersion)].sort(),
    );
    expect(deleted).toEqual([messageIdOf(event, good)]);
    const inFlight = aws.fauxqs.inspectQueue("tasklane-test-tasks")?.messages.inflight ?? [];
    expect(inFlight.map((m) => m.message.body).sort()).toEqual([notJson, noVersion].sort());
    expect(executionNames()).toEqual([executionName(good.id, 1)]);
  });

  it("fails only the record Step Functions throttled, so only it is redelivered", async () => {
    // Prepare
    const tasks = await Promise.all([1, 2, 3].map((n) => queuedTask("echo", { n })));
    aws.stepFunctions.limitStarts(2);

    // Act
    const { event, response } = await deliver(tasks);

    // Assess
    const started = new Set(executionNames());
    expect(started.size).toBe(2);
    const throttled = tasks.filter((t) => !started.has(executionName(t.id, 1)));
    expect(throttled).toHaveLength(1);
    expect(failuresOf(response)).toEqual([messageIdOf(event, throttled[0] as TaskEnvelope)]);
    expect(aws.stepFunctions.startCalls().map((c) => c.answer)).toContain("ThrottlingException");
    expect(metricsIn(lines)).toEqual({ TasksStarted: 2 });
  }, 15_000);

  it("keeps concurrent invocations apart: each reports exactly its own failures", async () => {
    // The local runtime calls one module instance from several pollers at once.
    const bodies = [
      await queuedTask("echo", { n: 8 }),
      "not an envelope: first batch",
      await queuedTask("echo", { n: 9 }),
      "not an envelope: second batch",
    ];
    await send(standard, bodies);
    const all = await receive(standard);
    const first = { Records: all.Records.filter((r) => /first|"n":8/.test(r.body)) };
    const second = { Records: all.Records.filter((r) => /second|"n":9/.test(r.body)) };
    expect(first.Records).toHaveLength(2);
    expect(second.Records).toHaveLength(2);

    // Act
    const [a, b] = await Promise.all([invoke(first), invoke(second)]);

    // Assess
    expect(failuresOf(a)).toEqual([messageIdOf(first, "not an envelope: first batch")]);
    expect(failuresOf(b)).toEqual([messageIdOf(second, "not an envelope: second batch")]);
    expect(executionNames()).toHaveLength(2);
  });
});

describe("startTaskExecution", () => {
  it("leaves the message for redelivery when the table cannot be read", async () => {
    // Prepare
    const sfn = new SFNClient({});
    const deps = {
      sfn,
      records: new TaskRecords(tableClient(aws.dynamodb), { tableName: "no-such-table" }),
      stateMachineArn: aws.stepFunctions.stateMachineArn,
    };

    // Act
    const starting = startTaskExecution(deps, JSON.stringify(taskEnvelope("echo", {})));

    // Assess
    await expect(starting).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(aws.stepFunctions.startCalls()).toEqual([]);
    sfn.destroy();
  });

  it("gives the execution the start id it is asked to", async () => {
    // Prepare
    const task = await queuedTask("echo", { n: 10 });
    const sfn = new SFNClient({});

    // Act
    const result = await startTaskExecution(
      { sfn, records, stateMachineArn: aws.stepFunctions.stateMachineArn, newRunId: () => "r-1" },
      JSON.stringify(task),
    );

    // Assess
    expect(result).toEqual({ outcome: "started", envelope: task });
    expect(JSON.parse(aws.stepFunctions.executions()[0]?.input ?? "null")).toEqual({
      task,
      run: "r-1",
    });
    sfn.destroy();
  });
});

describe("the SQS handler on a FIFO queue", () => {
  it("fails the rest of a message group after a failure, and runs the other groups", async () => {
    // fauxqs hands out one message per group per receive; SQS may batch several of one group,
    // which is the case that matters here, so this batch is built as Lambda would deliver it.
    const poison = "not an envelope, in group g1";
    const behindPoison = await queuedTask("echo", { n: 11 }, { groupId: "g1" });
    const otherGroup = await queuedTask("echo", { n: 12 }, { groupId: "g2" });
    const event: SQSEvent = {
      Records: [
        sqsRecord(poison, { queueArn: fifo.queueArn, groupId: "g1" }),
        sqsRecord(JSON.stringify(behindPoison), { queueArn: fifo.queueArn, groupId: "g1" }),
        sqsRecord(JSON.stringify(otherGroup), { queueArn: fifo.queueArn, groupId: "g2" }),
      ],
    };

    // Act
    const response = await invoke(event);

    // Assess
    expect(failuresOf(response)).toEqual([
      messageIdOf(event, poison),
      messageIdOf(event, behindPoison),
    ]);
    expect(executionNames()).toEqual([executionName(otherGroup.id, 1)]);
  });

  it("starts the tasks of a batch received from a FIFO queue, one execution each", async () => {
    // Prepare
    const tasks = [
      await queuedTask("echo", { n: 13 }, { groupId: "g1" }),
      await queuedTask("echo", { n: 14 }, { groupId: "g2" }),
    ];
    await send(fifo, tasks);
    const event = await receive(fifo);
    expect(event.Records.map((r) => r.attributes.MessageGroupId)).toEqual(["g1", "g2"]);

    // Act
    const response = await invoke(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(executionNames()).toEqual(tasks.map((t) => executionName(t.id, 1)));
  });
});
