import { s3Keys } from "@tasklane/shared-task";
import { type AwsEmulators, taskEnvelope } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  lambdaContext,
  readJsonObject,
  startConsumerEnvironment,
  writeJsonObject,
} from "./helpers/consumerEnvironment.js";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

let aws: AwsEmulators;
let createTask: Handler;
let checkTaskStatus: Handler;
let taskCompleted: Handler;
let markFailed: Handler;

beforeAll(async () => {
  aws = await startConsumerEnvironment();
  createTask = (await import("../src/handlers/createTask.js")).handler as Handler;
  checkTaskStatus = (await import("../src/handlers/checkTaskStatus.js")).handler as Handler;
  taskCompleted = (await import("../src/handlers/taskCompleted.js")).handler as Handler;
  markFailed = (await import("../src/handlers/markFailed.js")).handler as Handler;
});
afterAll(() => aws.stop());

const envelope = taskEnvelope;

const invoke = (handler: Handler, event: unknown) => handler(event, lambdaContext());

describe("CreateTask, as Step Functions invokes it on AWS", () => {
  it("numbers attempts from the S3 ledger when a Retry sends the very same event again", async () => {
    const task = envelope("flaky", { failures: 3 });
    const event = { task };

    for (const attempt of [1, 2, 3]) {
      await expect(invoke(createTask, event)).rejects.toMatchObject({
        name: "TaskRetryableError",
        message: expect.stringContaining(`attempt ${attempt}`),
      });
    }
    const outcome = await invoke(createTask, event);

    expect(outcome).toMatchObject({
      status: "succeeded",
      attempt: 4,
      output: { value: { succeededOnAttempt: 4 } },
    });
    expect(
      await readJsonObject(aws, aws.buckets.results, s3Keys.attempts(task.id, 1)),
    ).toMatchObject({
      attempts: 4,
      lastError: { name: "TaskRetryableError" },
    });
  });

  it("loads an input the producer stored in the payloads bucket", async () => {
    const base = envelope("word-count", null);
    const key = s3Keys.input(base.id, "f".repeat(64));
    await writeJsonObject(aws, aws.buckets.payloads, key, { text: "one two three" });
    const task = {
      ...base,
      input: { kind: "s3" as const, bucket: aws.buckets.payloads, key, bytes: 25 },
    };

    const outcome = await invoke(createTask, { task });

    expect(outcome).toMatchObject({ status: "succeeded", output: { value: { words: 3 } } });
  });

  it("fails with a permanent TaskInputError when the input breaks the schema", async () => {
    await expect(
      invoke(createTask, { task: envelope("word-count", { text: 1 }) }),
    ).rejects.toMatchObject({
      name: "TaskInputError",
    });
  });
});

describe("a polling task through the step handlers", () => {
  it("CreateTask starts it, CheckTaskStatus polls until done, TaskCompleted records the result", async () => {
    const task = envelope("sleep", { seconds: 1 });

    const started = (await invoke(createTask, { task })) as {
      status: string;
      pollAfterSeconds: number;
    };
    expect(started).toMatchObject({ status: "running", pollAfterSeconds: 1, polls: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const polled = await invoke(checkTaskStatus, { task, step: started });
    expect(polled).toMatchObject({
      status: "succeeded",
      polls: 1,
      output: { value: { sleptSeconds: 1 } },
    });

    const summary = await invoke(taskCompleted, { task, step: polled });

    expect(summary).toEqual({
      id: task.id,
      generation: 1,
      status: "succeeded",
      attempts: 1,
      polls: 1,
      resultKey: s3Keys.result(task.id, 1),
    });
    expect(await readJsonObject(aws, aws.buckets.results, s3Keys.result(task.id, 1))).toMatchObject(
      {
        attempts: 1,
        output: { kind: "inline", value: { sleptSeconds: 1 } },
      },
    );
  });
});

describe("MarkFailed", () => {
  it("records the error AWS caught, reading the message out of Lambda's JSON cause", async () => {
    const task = envelope("fail", { reason: "bad data" });
    await expect(invoke(createTask, { task })).rejects.toMatchObject({
      name: "TaskPermanentError",
    });
    const cause = JSON.stringify({
      errorType: "TaskPermanentError",
      errorMessage: "bad data",
      trace: [],
    });

    const summary = await invoke(markFailed, {
      task,
      error: { Error: "TaskPermanentError", Cause: cause },
    });

    expect(summary).toMatchObject({
      status: "failed",
      attempts: 1,
      error: "TaskPermanentError",
      cause: "bad data",
    });
    expect(
      await readJsonObject(aws, aws.buckets.results, s3Keys.failure(task.id, 1)),
    ).toMatchObject({
      attempts: 1,
      error: { name: "TaskPermanentError", message: "bad data" },
    });
  });
});
