import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { type EventSourceQueue, receiveSqsEvent } from "../sqsMessages.js";
import type { StepFunctionsRecorder } from "../stepFunctionsRecorder.js";

/** An execution the driver runs: its name and its input, parsed. */
export interface DrivenExecution {
  name: string;
  executionArn: string;
  input: unknown;
}

export interface QuiescenceDeps {
  /** A healthy client of the queue: the event source mapping's. */
  sqs: SQSClient;
  queue: EventSourceQueue;
  stepFunctions: StepFunctionsRecorder;
  /**
   * The resend sweep, run with a clock past the unsent lease. It runs in the first round, and
   * again while it finds something (`found`): nothing the driver does marks a record unsent.
   */
  sweep?: () => Promise<{ found?: number } | undefined | unknown>;
  /** The consumer's handling of one message; a throw leaves it for redelivery. */
  deliver(body: string): Promise<unknown>;
  /** Runs an execution's workflow to its end. */
  execute(execution: DrivenExecution): Promise<{ status: "SUCCEEDED" | "FAILED" | "ABORTED" }>;
  /** Executions that already ran (a test ran them itself): the driver leaves them be. */
  ran?: Set<string>;
  /** Rounds of sweep, queue and executions before giving up. @default 25 */
  maxRounds?: number;
}

/** What the driver did. */
export interface QuiescenceReport {
  rounds: number;
  /** Each delivery of a message to the consumer: what it returned, or the error it threw. */
  deliveries: { body: string; receiveCount: number; outcome?: unknown; error?: string }[];
  executions: { name: string; status: string }[];
}

/**
 * Drives the system until nothing is left to do, with healthy clients: runs the resend sweep
 * (until it finds nothing), then delivers every message in the queue to the consumer as the event source mapping would
 * (a failed message becomes visible again at once, as if its visibility timeout had passed, so
 * the queue counts its receives and moves it to the DLQ past `maxReceiveCount`), then runs every
 * execution still RUNNING to its end, and repeats until a round changes nothing.
 */
export async function driveToQuiescence(deps: QuiescenceDeps): Promise<QuiescenceReport> {
  const ran = deps.ran ?? new Set<string>();
  const report: QuiescenceReport = { rounds: 0, deliveries: [], executions: [] };
  const maxRounds = deps.maxRounds ?? 25;
  let sweepAgain = true;

  for (;;) {
    report.rounds += 1;
    if (report.rounds > maxRounds) {
      throw new Error(`the system did not settle in ${maxRounds} rounds`);
    }
    let progress = false;
    if (sweepAgain && deps.sweep) {
      const swept = (await deps.sweep()) as { found?: unknown } | undefined;
      sweepAgain = typeof swept?.found !== "number" || swept.found > 0;
      if (sweepAgain) progress = true;
    }

    for (;;) {
      const event = await receiveSqsEvent(deps.sqs, deps.queue, 10);
      if (event.Records.length === 0) break;
      progress = true;
      const failed: SQSRecord[] = [];
      const done: SQSRecord[] = [];
      for (const record of event.Records) {
        const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
        try {
          const outcome = await deps.deliver(record.body);
          report.deliveries.push({ body: record.body, receiveCount, outcome });
          done.push(record);
        } catch (error) {
          report.deliveries.push({ body: record.body, receiveCount, error: (error as Error).name });
          failed.push(record);
        }
      }
      await settleDeliveries(deps.sqs, deps.queue.queueUrl, { done, failed });
    }

    for (const execution of deps.stepFunctions.executions()) {
      if (execution.status !== "RUNNING" || ran.has(execution.executionArn)) continue;
      progress = true;
      ran.add(execution.executionArn);
      const result = await deps.execute({
        name: execution.name,
        executionArn: execution.executionArn,
        input: JSON.parse(execution.input),
      });
      report.executions.push({ name: execution.name, status: result.status });
      const now = deps.stepFunctions
        .executions()
        .find((e) => e.executionArn === execution.executionArn);
      if (now?.status === "RUNNING" && result.status !== "ABORTED") {
        deps.stepFunctions.finish(execution.name, result.status);
      }
    }
    if (!progress) return report;
  }
}

/**
 * Settles delivered messages as the event source mapping does after a batch: deletes the ones
 * handled, and makes the failed ones visible again at once, as if their visibility timeout had
 * passed (the queue counts the receive, and redrives to the DLQ past `maxReceiveCount`).
 */
export async function settleDeliveries(
  sqs: SQSClient,
  queueUrl: string,
  { done = [], failed = [] }: { done?: readonly SQSRecord[]; failed?: readonly SQSRecord[] },
): Promise<void> {
  const entries = (records: readonly SQSRecord[]) =>
    records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle }));
  for (let start = 0; start < done.length; start += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries(done.slice(start, start + 10)),
      }),
    );
  }
  for (let start = 0; start < failed.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries(failed.slice(start, start + 10)).map((e) => ({
          ...e,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}
