import { randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import {
  executionName,
  INLINE_INPUT_MAX_BYTES,
  type JsonValue,
  parseEnvelope,
  TaskRegistry,
} from "@tasklane/shared-task";
import { createTaskSteps } from "@tasklane/shared-task/steps";
import { exampleTasks } from "@tasklane/shared-task/tasks";
import { startExecution, TaskPayloads } from "@tasklane/task-store";
import { S3BlobStore } from "@tasklane/task-store/s3";
import { describe, expect, it } from "vitest";
import { submitTasks } from "../src/submitTasks.js";
import { drainQueue, watchedRecords } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws } = producerSuite();

/** An S3 client that counts the objects it writes; the writes still go to fauxqs. */
function countingS3() {
  const s3 = new S3Client({});
  const puts: string[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "PutObjectCommand") {
        puts.push(String((args.input as { Key?: string }).Key));
      }
      return next(args);
    },
    { step: "initialize", name: "countPuts" },
  );
  return { s3, puts };
}

describe.each<{ output: string; input: JsonValue; maxS3Puts: number }>([
  { output: "a small output", input: { hello: "world" }, maxS3Puts: 0 },
  // 40 KB: inline as an input (under INLINE_INPUT_MAX_BYTES), too large for an inline output.
  { output: "a large output", input: { text: "x".repeat(40_000) }, maxS3Puts: 1 },
])("an echo task with $output, from submit to TaskCompleted", ({ input, maxS3Puts }) => {
  it(`costs at most 4 DynamoDB writes and ${maxS3Puts} S3 PUT`, async () => {
    // Prepare
    const table = watchedRecords(aws);
    const { s3, puts } = countingS3();
    const sfn = new SFNClient({});
    const owner = `arn:aws:iam::123456789012:user/${randomUUID()}`;
    const steps = createTaskSteps({
      tasks: new TaskRegistry(exampleTasks),
      records: table.records,
      store: new S3BlobStore(s3),
      buckets: aws.buckets,
    });

    // Act: submit (the producer's core) ...
    const [accepted] = await submitTasks(
      {
        records: table.records,
        payloads: new TaskPayloads(new S3BlobStore(s3), aws.buckets),
        sqs: aws.sqs,
        queueUrl: aws.queueUrl,
        inlineInputMaxBytes: INLINE_INPUT_MAX_BYTES,
        now: () => new Date(),
      },
      owner,
      "req-count",
      [{ type: "echo", input }],
    );
    expect(accepted).toMatchObject({ kind: "accepted" });
    const [message] = await drainQueue(aws);
    const task = parseEnvelope(message?.body);
    // ... the start, as the consumer makes it: a consistent read, then StartExecution ...
    const record = await table.records.get(task.id);
    expect(record).toMatchObject({ status: "queued", generation: 1 });
    const run = randomUUID();
    await startExecution(sfn, aws.stepFunctions.stateMachineArn, executionName(task.id, 1), {
      task,
      run,
    });
    // ... then the two steps of a short task.
    const step = await steps.createTask({ task, run });
    const summary = await steps.taskCompleted({ task, step, run });

    // Assess
    const writes = table.writes();
    console.log(
      `echo with ${JSON.stringify(input).length} bytes of input: ${writes.length} DynamoDB writes (${writes.join(", ")}), ${puts.length} S3 PUTs, ${table.calls.length} DynamoDB calls in all (${table.calls.join(", ")})`,
    );
    expect(summary).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await table.records.get(task.id)).toMatchObject({ status: "succeeded" });
    expect(writes.length).toBeLessThanOrEqual(4);
    expect(puts.length).toBe(maxS3Puts);
    table.destroy();
    s3.destroy();
    sfn.destroy();
  });
});
