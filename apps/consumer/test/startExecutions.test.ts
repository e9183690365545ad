import { executionName, type TaskEnvelope } from "@tasklane/shared-task";
import { TaskStore } from "@tasklane/task-store";
import {
  type AwsEmulators,
  type EventSourceQueue,
  receiveSqsEvent,
  sendMessages,
  settleSqsBatch,
  sqsRecord,
  taskEnvelope,
} from "@tasklane/test-support";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lambdaContext, startConsumerEnvironment } from "./helpers/consumerEnvironment.js";

type SqsHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

let aws: AwsEmulators;
let handler: SqsHandler;
let standard: EventSourceQueue;
let fifo: EventSourceQueue;

beforeAll(async () => {
  aws = await startConsumerEnvironment();
  handler = (await import("../src/handlers/startExecutions.js")).handler;
  standard = { queueUrl: aws.queueUrl, queueArn: aws.queueArn, region: aws.region };
  const fifoQueue = aws.fauxqs.createQueue("tasklane-test-fifo-tasks.fifo", {
    attributes: { FifoQueue: "true" },
  });
  fifo = { queueUrl: fifoQueue.queueUrl, queueArn: fifoQueue.queueArn, region: aws.region };
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.fauxqs.reset();
  aws.stepFunctions.reset();
});

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

const invoke = (event: SQSEvent) => handler(event, lambdaContext("tasklane-start-executions"));

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
  it("starts one execution per task generation, named after it, and reports no failure", async () => {
    const tasks = [taskEnvelope("echo", { n: 1 }), taskEnvelope("echo", { n: 2 })];
    await send(standard, tasks);
    const event = await receive(standard);

    const response = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(executionNames().sort()).toEqual(tasks.map((t) => executionName(t.id, 1)).sort());
    const [execution] = aws.stepFunctions.executions();
    const task = tasks.find((t) => executionName(t.id, 1) === execution?.name);
    expect(JSON.parse(execution?.input ?? "null")).toEqual({ task });
  });

  it("absorbs a duplicate delivery: ExecutionAlreadyExists counts as success, one execution", async () => {
    const task = taskEnvelope("echo", { n: 3 });
    await send(standard, [task, task]);
    const first = await receive(standard, 1);
    expect(await invoke(first)).toEqual({ batchItemFailures: [] });
    await settleSqsBatch(aws.sqs, standard.queueUrl, first, { batchItemFailures: [] });
    // Step Functions answers the same name and input with the running execution; once it has
    // ended, only with ExecutionAlreadyExists.
    aws.stepFunctions.finish(executionName(task.id, 1), "SUCCEEDED");
    const second = await receive(standard, 1);
    expect(second.Records).toHaveLength(1);

    const response = await invoke(second);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(aws.stepFunctions.startCalls().map((c) => c.answer)).toEqual([
      "started",
      "ExecutionAlreadyExists",
    ]);
    expect(executionNames()).toEqual([executionName(task.id, 1)]);
  });

  it("reports an envelope that can never be valid, which stays in the queue for the DLQ", async () => {
    const good = taskEnvelope("echo", { n: 4 });
    const notJson = "this is not an envelope";
    const noVersion = JSON.stringify({ ...good, v: undefined });
    await send(standard, [good, notJson, noVersion]);
    const event = await receive(standard);

    const response = await invoke(event);
    const deleted = await settleSqsBatch(aws.sqs, standard.queueUrl, event, response);

    expect(failuresOf(response).sort()).toEqual(
      [messageIdOf(event, notJson), messageIdOf(event, noVersion)].sort(),
    );
    expect(deleted).toEqual([messageIdOf(event, good)]);
    const inFlight = aws.fauxqs.inspectQueue("tasklane-test-tasks")?.messages.inflight ?? [];
    expect(inFlight.map((m) => m.message.body).sort()).toEqual([notJson, noVersion].sort());
    expect(executionNames()).toEqual([executionName(good.id, 1)]);
  });

  it("skips a task cancelled while it waited: no execution, and its message is done", async () => {
    const cancelled = taskEnvelope("sleep", { seconds: 30 });
    await new TaskStore(aws.s3, aws.buckets).putCancellation({
      id: cancelled.id,
      generation: 1,
      cancelledAt: new Date().toISOString(),
    });
    await send(standard, [cancelled]);
    const event = await receive(standard);

    const response = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(aws.stepFunctions.startCalls()).toEqual([]);
    expect(executionNames()).toEqual([]);
  });

  it("fails only the record Step Functions throttled, so only it is redelivered", async () => {
    const tasks = [1, 2, 3].map((n) => taskEnvelope("echo", { n }));
    await send(standard, tasks);
    const event = await receive(standard);
    aws.stepFunctions.limitStarts(2);

    const response = await invoke(event);

    const started = new Set(executionNames());
    expect(started.size).toBe(2);
    const throttled = tasks.filter((t) => !started.has(executionName(t.id, 1)));
    expect(throttled).toHaveLength(1);
    expect(failuresOf(response)).toEqual([messageIdOf(event, throttled[0] as TaskEnvelope)]);
    expect(aws.stepFunctions.startCalls().map((c) => c.answer)).toContain("ThrottlingException");
  }, 15_000);

  it("keeps concurrent invocations apart: each reports exactly its own failures", async () => {
    // The local runtime calls one module instance from several pollers at once.
    const bodies = [
      taskEnvelope("echo", { n: 5 }),
      "not an envelope: first batch",
      taskEnvelope("echo", { n: 6 }),
      "not an envelope: second batch",
    ];
    await send(standard, bodies);
    const all = await receive(standard);
    const first = { Records: all.Records.filter((r) => /first|"n":5/.test(r.body)) };
    const second = { Records: all.Records.filter((r) => /second|"n":6/.test(r.body)) };
    expect(first.Records).toHaveLength(2);
    expect(second.Records).toHaveLength(2);

    const [a, b] = await Promise.all([invoke(first), invoke(second)]);

    expect(failuresOf(a)).toEqual([messageIdOf(first, "not an envelope: first batch")]);
    expect(failuresOf(b)).toEqual([messageIdOf(second, "not an envelope: second batch")]);
    expect(executionNames()).toHaveLength(2);
  });
});

describe("the SQS handler on a FIFO queue", () => {
  it("fails the rest of a message group after a failure, and runs the other groups", async () => {
    // fauxqs hands out one message per group per receive; SQS may batch several of one group,
    // which is the case that matters here, so this batch is built as Lambda would deliver it.
    const poison = "not an envelope, in group g1";
    const behindPoison = taskEnvelope("echo", { n: 7 }, { groupId: "g1" });
    const otherGroup = taskEnvelope("echo", { n: 8 }, { groupId: "g2" });
    const event: SQSEvent = {
      Records: [
        sqsRecord(poison, { queueArn: fifo.queueArn, groupId: "g1" }),
        sqsRecord(JSON.stringify(behindPoison), { queueArn: fifo.queueArn, groupId: "g1" }),
        sqsRecord(JSON.stringify(otherGroup), { queueArn: fifo.queueArn, groupId: "g2" }),
      ],
    };

    const response = await invoke(event);

    expect(failuresOf(response)).toEqual([
      messageIdOf(event, poison),
      messageIdOf(event, behindPoison),
    ]);
    expect(executionNames()).toEqual([executionName(otherGroup.id, 1)]);
  });

  it("starts the tasks of a batch received from a FIFO queue, one execution each", async () => {
    const tasks = [
      taskEnvelope("echo", { n: 9 }, { groupId: "g1" }),
      taskEnvelope("echo", { n: 10 }, { groupId: "g2" }),
    ];
    await send(fifo, tasks);
    const event = await receive(fifo);
    expect(event.Records.map((r) => r.attributes.MessageGroupId)).toEqual(["g1", "g2"]);

    const response = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(executionNames()).toEqual(tasks.map((t) => executionName(t.id, 1)));
  });
});
