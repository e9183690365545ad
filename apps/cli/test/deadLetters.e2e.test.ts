import {
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { TaskResource } from "@tasklane/api-client";
import { waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalTarget, startLocalTarget } from "./helpers/localTarget.js";

// The one shortcut: a 1 s visibility timeout instead of 180 s, so the DLQ after
// maxReceiveCount (5) receives takes seconds. Every count and rule is the real one.
let target: LocalTarget;
let sqs: SQSClient;

interface ListedLetter {
  messageId: string;
  taskId?: string;
  type?: string;
  receiveCount: number;
  firstFailureAt?: string;
  body: string;
  redriveCount: number;
}
interface Report {
  messageId: string;
  taskId?: string;
  outcome: string;
  newMessageId?: string;
}

beforeAll(async () => {
  target = await startLocalTarget({ testOverrides: { visibilityTimeoutSeconds: 1 } });
  sqs = new SQSClient({
    region: target.runtime.region,
    endpoint: target.runtime.fauxqsUrl,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});
afterAll(async () => {
  target?.runtime.stepFunctions.setOutage(undefined);
  sqs?.destroy();
  await target?.stop();
});

async function dlqMessages(): Promise<ListedLetter[]> {
  const run = await target.run(["dlq", "list", "--json"]);
  expect(run.code).toBe(0);
  return run.json<{ messages: ListedLetter[] }>().messages;
}

describe("tasks that reach the DLQ while Step Functions is down", () => {
  it("are listed by `dlq list`, stay there, and `dlq redrive` brings every one to succeeded", async () => {
    // Prepare: Step Functions refuses every call, so the consumer cannot start any execution.
    target.runtime.stepFunctions.setOutage("unavailable");
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const run = await target.run(["submit", "echo", "--input", JSON.stringify({ n }), "--json"]);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      ids.push(run.json<{ id: string }>().id);
    }

    // Act: wait for maxReceiveCount failed deliveries of each.
    const letters = await waitFor(
      async () => {
        const messages = await dlqMessages();
        return messages.length === ids.length ? messages : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "the three tasks to reach the DLQ" },
    );

    // Assess: each is shown with its task id, type, receive count, first failure and body.
    expect(letters.map((l) => l.taskId).sort()).toEqual([...ids].sort());
    for (const letter of letters) {
      expect(letter.type).toBe("echo");
      expect(letter.receiveCount).toBeGreaterThanOrEqual(5);
      expect(Date.parse(letter.firstFailureAt ?? "")).toBeGreaterThan(0);
      expect(JSON.parse(letter.body)).toMatchObject({ id: letter.taskId, type: "echo" });
    }
    const table = await target.run(["dlq", "list"]);
    expect(table.stdout).toMatch(/^ID\s+TYPE\s+RECEIVES\s+FIRST FAILURE\s+BODY PREVIEW$/m);
    for (const [i, id] of ids.entries()) {
      const row = new RegExp(
        `^${id}\\s+echo\\s+\\d+\\s+[\\d-]+ [\\d:]+Z\\s+input \\{"n":${i + 1}\\}$`,
        "m",
      );
      expect(table.stdout).toMatch(row);
    }
    expect(table.stdout).toContain("3 messages in tasklane-dev-tasks-dlq; they stay there.");
    // Listing consumed nothing, and a dry run moves nothing.
    const dryRun = await target.run(["dlq", "redrive", "--all", "--dry-run", "--json"]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.json<{ messages: Report[] }>().messages.map((m) => m.outcome)).toEqual([
      "would-redrive",
      "would-redrive",
      "would-redrive",
    ]);
    expect(await dlqMessages()).toHaveLength(3);

    // Act: Step Functions is back; one by id at a limited rate, then the rest.
    target.runtime.stepFunctions.setOutage(undefined);
    const [first, ...rest] = ids as [string, ...string[]];
    const one = await target.run(["dlq", "redrive", "--id", first, "--rate", "2/s", "--json"]);
    const all = await target.run(["dlq", "redrive", "--all"]);

    // Assess
    expect(one.code).toBe(0);
    expect(one.json()).toMatchObject({
      redriven: 1,
      failed: 0,
      notFound: [],
      messages: [{ taskId: first, outcome: "redriven", newMessageId: expect.any(String) }],
    });
    expect(all.code).toBe(0);
    for (const id of rest)
      expect(all.stdout).toMatch(new RegExp(`redriven\\s+${id}\\s+echo\\s+-> message `));
    expect(all.stdout).toContain("2 redriven, 0 failed.");
    for (const id of ids) {
      const watched = await target.run(["watch", id, "--json", "--timeout", "30s"]);
      expect(watched.code).toBe(0);
      expect(watched.jsonLines<TaskResource>().at(-1)).toMatchObject({
        id,
        status: "succeeded",
        output: expect.anything(),
      });
    }
    expect(await dlqMessages()).toEqual([]);
  }, 120_000);
});

describe("tasklane dlq purge", () => {
  it("refuses without --yes and leaves the DLQ as it was, saying why", async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: target.runtime.dlqUrl, MessageBody: "kept" }),
    );

    const run = await target.run(["dlq", "purge", "--all"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("deletes messages for good");
    expect(run.stderr).toContain("--yes");
    expect((await dlqMessages()).map((m) => m.body)).toEqual(["kept"]);
  });

  it("with --all --yes empties the DLQ, reporting each message, envelope or not", async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: target.runtime.dlqUrl,
        MessageBody: '{"v":1,"id":"not-a-task"}',
      }),
    );

    const run = await target.run(["dlq", "purge", "--all", "--yes", "--json"]);

    expect(run.code).toBe(0);
    const result = run.json<{ deleted: number; messages: Report[] }>();
    expect(result.deleted).toBe(2);
    expect(result.messages.map((m) => m.outcome)).toEqual(["deleted", "deleted"]);
    expect(await dlqMessages()).toEqual([]);
  });

  it("with --id deletes only those, and reports ids it did not find (exit 1)", async () => {
    const sent = await Promise.all(
      ["a", "b"].map((body) =>
        sqs.send(new SendMessageCommand({ QueueUrl: target.runtime.dlqUrl, MessageBody: body })),
      ),
    );
    const [a, b] = sent.map((s) => s.MessageId as string) as [string, string];

    const run = await target.run(["dlq", "purge", "--id", a, "no-such-id", "--yes"]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`deleted\\s+message ${a}`));
    expect(run.stdout).toContain("Not found in the DLQ: no-such-id");
    expect((await dlqMessages()).map((m) => m.messageId)).toEqual([b]);
    await target.run(["dlq", "purge", "--all", "--yes"]);
  });
});

describe("dlq redrive of a FIFO queue", () => {
  it("keeps the message group and sends with a fresh deduplication id, so SQS does not drop it", async () => {
    // Prepare: a FIFO queue and its DLQ, named by URL as for any stack.
    const dlq = target.runtime.fauxqs.createQueue("cli-test-tasks-dlq.fifo", {
      attributes: { FifoQueue: "true" },
    });
    const queue = target.runtime.fauxqs.createQueue("cli-test-tasks.fifo", {
      attributes: {
        FifoQueue: "true",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 5 }),
      },
    });
    // The original send used deduplication id "task-1-g1"; a resend with it within five minutes
    // would be dropped as a duplicate.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: "first",
        MessageGroupId: "group-7",
        MessageDeduplicationId: "task-1-g1",
      }),
    );
    await drain(queue.queueUrl);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.queueUrl,
        MessageBody: "first",
        MessageGroupId: "group-7",
        MessageDeduplicationId: "task-1-g1",
      }),
    );

    // Act: flags name the queues; a loopback URL is talked to as a local emulator.
    const run = await target.run([
      "dlq",
      "redrive",
      "--all",
      "--queue-url",
      queue.queueUrl,
      "--dlq-url",
      dlq.queueUrl,
      "--json",
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ redriven: 1, failed: 0 });
    const [moved] = await drain(queue.queueUrl);
    expect(moved?.Body).toBe("first");
    expect(moved?.Attributes?.MessageGroupId).toBe("group-7");
    expect(moved?.Attributes?.MessageDeduplicationId).not.toBe("task-1-g1");
    expect(moved?.MessageAttributes?.["tasklane.redriveCount"]?.StringValue).toBe("1");
    expect(await drain(dlq.queueUrl)).toEqual([]);
  });
});

/** Receives and deletes everything in a queue. */
async function drain(queueUrl: string): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  const { DeleteMessageCommand } = await import("@aws-sdk/client-sqs");
  for (const m of out.Messages ?? []) {
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
    );
  }
  return out.Messages ?? [];
}
