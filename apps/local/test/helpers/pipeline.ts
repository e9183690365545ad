import { GetObjectCommand } from "@aws-sdk/client-s3";
import { paginateListExecutions } from "@aws-sdk/client-sfn";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { createTasklaneClient, type TaskResource } from "@tasklane/api-client";
import { createEnvelope, s3Keys, taskRecordSchema } from "@tasklane/shared-task";
import { waitFor } from "@tasklane/test-support";
import type { LocalRuntime } from "../../src/index.js";
import { s3Client, sfnClient, sqsClient } from "./awsClients.js";

/** The API client, the AWS clients and a few questions about one running local runtime. */
export function pipelineProbe(runtime: LocalRuntime) {
  const port = runtime.fauxqs.port;
  const sqs = sqsClient(port);
  const s3 = s3Client(port);
  const sfn = sfnClient(runtime.stepFunctions.url);
  const api = createTasklaneClient({ apiUrl: runtime.apiUrl });

  async function depth(queueUrl: string): Promise<number> {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const a = out.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  return {
    api,
    sqs,
    s3,
    sfn,
    queueDepth: () => depth(runtime.queueUrl),
    dlqDepth: () => depth(runtime.dlqUrl),

    /** Submits a task and waits until it is succeeded, failed or cancelled. */
    async run(type: string, input: unknown, timeoutMs = 30_000): Promise<TaskResource> {
      const { id } = await api.submitTask({ type, input });
      return api.waitForTask(id, { timeoutMs, intervalMs: 50 });
    },

    waitForStatus(
      id: string,
      status: TaskResource["status"],
      timeoutMs = 15_000,
    ): Promise<TaskResource> {
      return waitFor(
        async () => {
          const task = await api.getTask(id);
          return task.status === status ? task : undefined;
        },
        { timeoutMs, intervalMs: 50, what: `task ${id} to be ${status}` },
      );
    },

    /** Every execution of the state machine, by name. */
    async executions(): Promise<Map<string, string>> {
      const byName = new Map<string, string>();
      for await (const page of paginateListExecutions(
        { client: sfn, pageSize: 1000 },
        { stateMachineArn: runtime.stateMachineArn },
      )) {
        for (const e of page.executions ?? []) byName.set(e.name ?? "", e.status ?? "");
      }
      return byName;
    },

    /** Sends the task's current envelope to the queue again, as a duplicate delivery would. */
    async redeliver(id: string): Promise<void> {
      const out = await s3.send(
        new GetObjectCommand({ Bucket: runtime.buckets.results, Key: s3Keys.taskRecord(id) }),
      );
      const record = taskRecordSchema.parse(
        JSON.parse((await out.Body?.transformToString()) ?? ""),
      );
      const envelope = createEnvelope({
        id: record.id,
        type: record.type,
        generation: record.generation,
        createdAt: record.createdAt,
        input: record.input,
        fingerprint: record.fingerprint,
        correlationId: record.correlationId,
      });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: runtime.queueUrl,
          MessageBody: JSON.stringify(envelope),
        }),
      );
    },

    /** Waits until the queue holds nothing, in flight or not. */
    drained(timeoutMs = 20_000): Promise<true> {
      return waitFor(async () => ((await depth(runtime.queueUrl)) === 0 ? true : undefined), {
        timeoutMs,
        intervalMs: 100,
        what: "the tasks queue to drain",
      });
    },

    destroy() {
      sqs.destroy();
      s3.destroy();
      sfn.destroy();
    },
  };
}
