import { type AwsEmulators, startAwsEmulators } from "@tasklane/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { peekDeadLetters, queueDepth, queueName, toDeadLetter } from "../src/index.js";
import { echoEnvelope, receiveAll, sendToQueue } from "./helpers.js";

let emulators: AwsEmulators;
beforeEach(async () => {
  emulators = await startAwsEmulators({ prefix: "dead-letters-test" });
});
afterEach(async () => {
  await emulators.stop();
});

describe("toDeadLetter", () => {
  it("reads the task's id, type, generation and input from a task envelope", () => {
    // Prepare
    const { id, body } = echoEnvelope({ order: 7 });

    // Act
    const letter = toDeadLetter({
      MessageId: "m-1",
      ReceiptHandle: "r-1",
      Body: body,
      Attributes: {
        ApproximateReceiveCount: "6",
        ApproximateFirstReceiveTimestamp: "1764582000000",
        SentTimestamp: "1764581999000",
      },
      MessageAttributes: { "tasklane.redriveCount": { DataType: "Number", StringValue: "2" } },
    });

    // Assess
    expect(letter).toMatchObject({
      messageId: "m-1",
      taskId: id,
      type: "echo",
      generation: 1,
      preview: 'input {"order":7}',
      receiveCount: 5,
      redriveCount: 2,
      firstFailureAt: "2025-12-01T09:40:00.000Z",
      sentAt: "2025-12-01T09:39:59.000Z",
    });
    expect(letter.notATask).toBeUndefined();
  });

  it("keeps a body that is not a task envelope, saying why, so it can still be named and purged", () => {
    const letter = toDeadLetter({ MessageId: "m-2", ReceiptHandle: "r-2", Body: "hello" });

    expect(letter).toMatchObject({ messageId: "m-2", preview: "hello", receiveCount: 0 });
    expect(letter.taskId).toBeUndefined();
    expect(letter.notATask).toMatch(/not JSON/);
  });
});

describe("peekDeadLetters", () => {
  it("reads the messages and leaves every one in the DLQ, visible again", async () => {
    // Prepare
    const sent = await sendToQueue(emulators, ["a", "b", "c"]);

    // Act
    const { letters, more } = await peekDeadLetters(emulators.sqs, emulators.dlqUrl, {
      limit: 10,
      waitTimeSeconds: 0,
    });

    // Assess
    expect(letters.map((l) => l.messageId).sort()).toEqual([...sent].sort());
    expect(more).toBe(false);
    expect(await queueDepth(emulators.sqs, emulators.dlqUrl)).toEqual({
      visible: 3,
      inFlight: 0,
      delayed: 0,
    });
    expect(await receiveAll(emulators, emulators.dlqUrl)).toHaveLength(3);
  });

  it("stops at the limit and says there are more", async () => {
    await sendToQueue(
      emulators,
      Array.from({ length: 12 }, (_, i) => `m${i}`),
    );

    const { letters, more } = await peekDeadLetters(emulators.sqs, emulators.dlqUrl, {
      limit: 5,
      waitTimeSeconds: 0,
    });

    expect(letters).toHaveLength(5);
    expect(more).toBe(true);
    expect((await queueDepth(emulators.sqs, emulators.dlqUrl)).visible).toBe(12);
  });
});

describe("queueName", () => {
  it.each([
    [
      "https://sqs.eu-west-1.amazonaws.com/123456789012/tasklane-dev-tasks-dlq",
      "tasklane-dev-tasks-dlq",
    ],
    ["http://127.0.0.1:4566/000000000000/q.fifo/", "q.fifo"],
  ])("is the last part of %s", (url, name) => {
    expect(queueName(url)).toBe(name);
  });
});
