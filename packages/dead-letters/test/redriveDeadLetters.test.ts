import { type AwsEmulators, startAwsEmulators } from "@tasklane/test-support";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MessageReport,
  peekDeadLetters,
  purgeDeadLetters,
  REDRIVE_ATTRIBUTES,
  type RedriveOptions,
  redriveDeadLetters,
  selectDeadLetters,
} from "../src/index.js";
import { echoEnvelope, fakeClock, receiveAll, sendToQueue } from "./helpers.js";

let emulators: AwsEmulators | undefined;
afterEach(async () => {
  await emulators?.stop();
  emulators = undefined;
});

async function start(fifo = false): Promise<AwsEmulators> {
  emulators = await startAwsEmulators({ prefix: "redrive-test", fifo });
  return emulators;
}

/** Redrives the whole DLQ to the tasks queue, unless `options` says otherwise. */
function redrive(e: AwsEmulators, options: Partial<RedriveOptions> = {}) {
  return redriveDeadLetters({
    sqs: e.sqs,
    dlqUrl: e.dlqUrl,
    queueUrl: e.queueUrl,
    select: () => true,
    waitTimeSeconds: 0,
    dryRun: false,
    onReport: () => undefined,
    ...options,
  });
}

async function dlqIds(e: AwsEmulators): Promise<string[]> {
  const { letters } = await peekDeadLetters(e.sqs, e.dlqUrl, { limit: 100, waitTimeSeconds: 0 });
  return letters.map((l) => l.taskId ?? l.messageId).sort();
}

describe("redriveDeadLetters", () => {
  it("moves the selected messages to the tasks queue, marked with the run, and leaves the others", async () => {
    // Prepare
    const e = await start();
    const [one, two] = [echoEnvelope({ n: 1 }), echoEnvelope({ n: 2 })];
    await sendToQueue(e, [one.body, two.body]);
    const selection = selectDeadLetters({ ids: [one.id, "no-such-id"] });
    const reports: MessageReport[] = [];

    // Act
    const run = await redrive(e, {
      select: selection.select,
      onReport: (report) => reports.push(report),
    });

    // Assess
    expect(run).toEqual({ interrupted: false });
    expect(reports).toEqual([
      expect.objectContaining({ taskId: one.id, type: "echo", outcome: "redriven" }),
    ]);
    expect(selection.notFound()).toEqual(["no-such-id"]);
    const [moved, ...others] = await receiveAll(e, e.queueUrl);
    expect(others).toEqual([]);
    expect(moved?.Body).toBe(one.body);
    expect(moved?.MessageId).toBe(reports[0]?.newMessageId);
    expect(moved?.MessageAttributes?.[REDRIVE_ATTRIBUTES.count]?.StringValue).toBe("1");
    expect(await dlqIds(e)).toEqual([two.id]);
  });

  it("in a dry run reports what it would move and moves nothing", async () => {
    const e = await start();
    await sendToQueue(e, ["not a task"]);
    const reports: MessageReport[] = [];

    await redrive(e, {
      dryRun: true,
      onReport: (report) => reports.push(report),
    });

    expect(reports).toEqual([
      expect.objectContaining({
        outcome: "would-redrive",
        note: "not a task envelope: it will fail again",
      }),
    ]);
    expect(await receiveAll(e, e.queueUrl)).toEqual([]);
    expect(await dlqIds(e)).toHaveLength(1);
  });

  it("keeps a FIFO message's group and sends it with a fresh deduplication id", async () => {
    const e = await start(true);
    await sendToQueue(e, ["first"], e.dlqUrl, {
      MessageGroupId: "group-7",
      MessageDeduplicationId: "task-1-g1",
    });

    await redrive(e);

    const [moved] = await receiveAll(e, e.queueUrl);
    expect(moved?.Body).toBe("first");
    expect(moved?.Attributes?.MessageGroupId).toBe("group-7");
    expect(moved?.Attributes?.MessageDeduplicationId).not.toBe("task-1-g1");
    expect(await dlqIds(e)).toEqual([]);
  });

  it("spaces the messages out to the rate asked for", async () => {
    const e = await start();
    await sendToQueue(e, ["a", "b", "c", "d"]);

    const clock = fakeClock();
    await redrive(e, { ratePerSecond: 2, clock });

    // Chunks of two at 2/s: the first goes at once, the second waits a second.
    expect(clock.sleeps).toEqual([1_000]);
    expect(await receiveAll(e, e.queueUrl)).toHaveLength(4);
  });

  it("stops before the next chunk once aborted, and says it was interrupted", async () => {
    const e = await start();
    await sendToQueue(e, ["a", "b"]);
    const abort = new AbortController();
    abort.abort();

    const run = await redrive(e, {
      signal: abort.signal,
    });

    expect(run).toEqual({ interrupted: true });
    expect(await dlqIds(e)).toHaveLength(2);
  });
});

describe("purgeDeadLetters", () => {
  it("deletes the selected messages for good and makes the others visible again", async () => {
    const e = await start();
    const [keep, drop] = await sendToQueue(e, ["keep", "drop"]);
    const reports: MessageReport[] = [];

    await purgeDeadLetters({
      sqs: e.sqs,
      dlqUrl: e.dlqUrl,
      select: selectDeadLetters({ ids: [drop ?? ""] }).select,
      waitTimeSeconds: 0,
      onReport: (report) => reports.push(report),
    });

    expect(reports).toEqual([{ messageId: drop, outcome: "deleted" }]);
    expect(await dlqIds(e)).toEqual([keep]);
  });
});

describe("selectDeadLetters", () => {
  it("with all selects every message and finds nothing missing", () => {
    const selection = selectDeadLetters({ all: true });

    expect(selection.select({ messageId: "m" } as never)).toBe(true);
    expect(selection.notFound()).toEqual([]);
  });
});
