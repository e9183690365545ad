import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { createTasklaneClient, type TaskResource } from "@tasklane/api-client";
import { queueDepth } from "@tasklane/dead-letters";
import { createEnvelope, payloadSchema, taskRecordSchema } from "@tasklane/shared-task";
import { e2eRuntimeOptions, readTaskItem, waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll } from "vitest";
import {
  type ExecutionSummary,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from "../../src/index.js";
import { dynamodbClient, s3Client, sfnClient, sqsClient } from "./awsClients.js";

/** The fields of a task's item an envelope is made of, besides `input`. */
const envelopeFields = taskRecordSchema.pick({
  id: true,
  type: true,
  generation: true,
  createdAt: true,
  fingerprint: true,
  correlationId: true,
});

/** The API client, the AWS clients and a few questions about one running local runtime. */
export function pipelineProbe(runtime: LocalRuntime) {
  const port = runtime.fauxqs.port;
  const sqs = sqsClient(port);
  const s3 = s3Client(port);
  const sfn = sfnClient(runtime.stepFunctions.url);
  const dynamodb = dynamodbClient(runtime.dynamodbUrl);
  const api = createTasklaneClient({ apiUrl: runtime.apiUrl });

  /** Every message of the queue: visible, in flight or delayed. */
  async function depth(queueUrl: string): Promise<number> {
    const { visible, inFlight, delayed } = await queueDepth(sqs, queueUrl);
    return visible + inFlight + delayed;
  }

  return {
    api,
    sqs,
    s3,
    sfn,
    dynamodb,
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

    /**
     * The status of every execution of both state machines, by name: the runtime's own record,
     * since AWS lists no Express executions (`ListExecutions` refuses an Express machine). Of
     * several executions with one name (duplicate Express starts), the one that ran the task.
     */
    async executions(): Promise<Map<string, string>> {
      const byName = new Map<string, string>();
      for (const e of runtime.stepFunctions.executions()) {
        if (!byName.has(e.name) || e.error !== "TaskSupersededError") byName.set(e.name, e.status);
      }
      return byName;
    },

    /**
     * How the execution `name` ended (`undefined` if none started), once it is not RUNNING: a
     * start the SDK was still retrying when a test's check began may be running its first step.
     */
    async endOf(name: string, timeoutMs = 10_000): Promise<string | undefined> {
      const ended = await waitFor(
        async () => {
          const status = (await this.executions()).get(name);
          return status === "RUNNING" ? undefined : { status };
        },
        { timeoutMs, intervalMs: 50, what: `execution ${name} to end` },
      );
      return ended.status;
    },

    /** A task's executions, every generation, in the order they started. */
    executionsOf(taskId: string): ExecutionSummary[] {
      return runtime.stepFunctions.executions().filter((e) => e.name.startsWith(taskId));
    },

    /** How many task records the table holds. */
    async taskRecordCount(): Promise<number> {
      let count = 0;
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamodb.send(
          new ScanCommand({
            TableName: runtime.tableName,
            Select: "COUNT",
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },

    /** Sends the task's current envelope to the queue again, as a duplicate delivery would. */
    async redeliver(id: string): Promise<void> {
      const item = await readTaskItem(dynamodb, runtime.tableName, id);
      if (!item) throw new Error(`no record of task ${id} in ${runtime.tableName}`);
      const envelope = createEnvelope({
        ...envelopeFields.parse(item),
        // The item holds the input as its payload's JSON text.
        input: payloadSchema.parse(JSON.parse(String(item.input))),
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
      dynamodb.destroy();
    },
  };
}

export type PipelineProbe = ReturnType<typeof pipelineProbe>;

/** The local runtime a suite runs against, and its probe, once the suite's `beforeAll` ran. */
export interface SuiteRuntime {
  readonly runtime: LocalRuntime;
  readonly probe: PipelineProbe;
}

/**
 * Starts a quiet local runtime (`e2eRuntimeOptions`: a free port, 60 s for every function),
 * before the enclosing suite and stops it after, with a probe of it; `options` add to or
 * override those defaults.
 */
export function useLocalRuntime(options: LocalRuntimeOptions = {}): SuiteRuntime {
  let started: SuiteRuntime | undefined;
  const current = () => {
    if (!started) throw new Error("the local runtime starts in the suite's beforeAll");
    return started;
  };
  beforeAll(async () => {
    const runtime = await startLocalRuntime(e2eRuntimeOptions(options));
    started = { runtime, probe: pipelineProbe(runtime) };
  });
  afterAll(async () => {
    if (!started) return;
    started.probe.destroy();
    await started.runtime.stop();
  });
  return {
    get runtime() {
      return current().runtime;
    },
    get probe() {
      return current().probe;
    },
  };
}
