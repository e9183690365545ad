import { executionName } from "@tasklane/shared-task";
import {
  captureJsonLines,
  type JsonLine,
  receiveSqsEvent,
  sendMessages,
  taskEnvelope,
} from "@tasklane/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { lambdaContext, recordFor } from "./helpers/consumerEnvironment.js";
import { consumerSuite } from "./helpers/consumerSuite.js";

// The handlers log at DEBUG, where a step that went well writes its line, to stdout (warnings
// and errors to stderr), where the tests read the JSON lines.
const { aws, records, queue, startExecutions, createTask } = consumerSuite({ logLevel: "DEBUG" }, [
  "startExecutions",
  "createTask",
]);
const lines: JsonLine[] = [];
beforeEach(() => captureJsonLines(lines, [process.stdout, process.stderr]));

const logged = (message: string) => lines.filter((l) => l.message === message);

describe("the consumer's logs", () => {
  it("use the task id as correlation id, and the submitting request's id as request_id", async () => {
    // Prepare
    const task = taskEnvelope("echo", {}, { correlationId: "req-1234" });
    await recordFor(records, task);
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: JSON.stringify(task) }]);
    const event = await receiveSqsEvent(aws.sqs, queue);

    // Act
    await startExecutions(event, lambdaContext());

    // Assess
    expect(aws.stepFunctions.executions().map((e) => e.name)).toEqual([executionName(task.id, 1)]);
    expect(logged("execution started")).toEqual([
      expect.objectContaining({ correlation_id: task.id, request_id: "req-1234", taskId: task.id }),
    ]);
  });

  it("keep each of two overlapping step invocations' keys on its own lines", async () => {
    // Prepare
    const [a, b] = [taskEnvelope("echo", { n: 1 }), taskEnvelope("echo", { n: 2 })];
    await Promise.all([recordFor(records, a), recordFor(records, b)]);

    // Act
    await Promise.all([
      createTask({ task: a, run: "run-a" }, lambdaContext()),
      createTask({ task: b, run: "run-b" }, lambdaContext()),
    ]);

    // Assess
    const keys = logged("step done").map((l) => `${l.correlation_id} ${l.taskId}`);
    expect(keys.sort()).toEqual([`${a.id} ${a.id}`, `${b.id} ${b.id}`].sort());
  });

  it("warn about a message whose task has no record, naming the task", async () => {
    // Prepare
    const orphan = taskEnvelope("echo", { n: 3 });
    await sendMessages(aws.sqs, aws.queueUrl, [{ body: JSON.stringify(orphan) }]);
    const event = await receiveSqsEvent(aws.sqs, queue);

    // Act
    await startExecutions(event, lambdaContext());

    // Assess
    expect(logged("execution orphan")).toEqual([
      expect.objectContaining({ level: "WARN", taskId: orphan.id, generation: 1 }),
    ]);
  });
});
