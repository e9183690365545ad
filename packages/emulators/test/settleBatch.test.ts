import type { DeleteMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { settleBatch } from "../src/index.js";

/** An SQS client that records each DeleteMessageBatch and refuses the receipt handles given. */
function recordingSqs(refuse: ReadonlySet<string> = new Set()) {
  const batches: string[][] = [];
  const sqs = {
    async send(command: DeleteMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      batches.push(entries.map((e) => e.ReceiptHandle ?? ""));
      const failed = entries.filter((e) => refuse.has(e.ReceiptHandle ?? ""));
      return {
        Successful: [],
        Failed: failed.map((e) => ({
          Id: e.Id,
          Code: "ReceiptHandleIsInvalid",
          SenderFault: true,
        })),
      };
    },
  } as unknown as SQSClient;
  return { sqs, batches };
}

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ messageId: `m${i}`, receiptHandle: `r${i}` }));

describe("settleBatch", () => {
  it("deletes every record the verdict does not fail, ten per DeleteMessageBatch", async () => {
    // Prepare
    const { sqs, batches } = recordingSqs();

    // Act
    const settled = await settleBatch(sqs, "queue-url", records(23), {
      failed: new Set(["m0", "m22"]),
    });

    // Assess
    expect(settled.deleted).toEqual(
      records(23)
        .slice(1, 22)
        .map((r) => r.messageId),
    );
    expect(settled.refused).toEqual([]);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 1]);
    expect(batches.flat()).not.toContain("r0");
  });

  it("deletes nothing of a batch that failed whole", async () => {
    const { sqs, batches } = recordingSqs();

    const settled = await settleBatch(sqs, "queue-url", records(3), {
      failed: new Set(["m0", "m1", "m2"]),
    });

    expect(settled).toEqual({ deleted: [], refused: [] });
    expect(batches).toEqual([]);
  });

  it("returns the entries SQS refused to delete, from every call", async () => {
    const { sqs } = recordingSqs(new Set(["r3", "r15"]));

    const settled = await settleBatch(sqs, "queue-url", records(20), { failed: new Set() });

    expect(settled.refused.map((f) => f.Id)).toEqual(["3", "5"]);
  });
});
