import { setTimeout as sleep } from "node:timers/promises";
import { type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { batchVerdict, settleBatch, toSqsRecord } from "@tasklane/emulators";
import { SQS_MAX_BATCH_ENTRIES } from "@tasklane/shared-task";
import {
  LAMBDA_PAYLOAD_MAX_BYTES,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_WAIT_SECONDS,
} from "../constants.js";
import { LambdaInvocationError } from "../errors.js";
import { invokeFunction } from "../lambda/invokeFunction.js";
import type { BatchReport, LocalFunction } from "../types.js";

export interface EventSourceMappingOptions {
  /** A client of the queue's SQS endpoint (fauxqs). */
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** The function the batches go to. */
  fn: LocalFunction;
  /** Most messages per invocation. */
  batchSize: number;
  /** Seconds to gather a fuller batch once the first message is in; 0 invokes at once. */
  batchingWindowSeconds: number;
  /** Most invocations at a time: the event source mapping's `ScalingConfig.MaximumConcurrency`. */
  maximumConcurrency: number;
  /** `FunctionResponseTypes: ["ReportBatchItemFailures"]`; on unless set to false. */
  reportBatchItemFailures?: boolean;
  onBatch?: (report: BatchReport) => void;
  onFunctionError?: (error: LambdaInvocationError) => void;
  /** SQS refused a receive or a delete; polling goes on after a pause. */
  onSqsError?: (error: unknown) => void;
}

export interface EventSourceMapping {
  /** Batches being processed now. */
  readonly inFlight: number;
  /**
   * Stops polling (long polls are abandoned) and waits for the batches in flight to finish and
   * their successes to be deleted. Messages received but not yet invoked return to the queue
   * when their visibility timeout ends, as they would on AWS.
   */
  stop(): Promise<void>;
}

/** Pause after SQS refuses a call, before polling again. */
const SQS_ERROR_PAUSE_MS = 1_000;

/**
 * Lambda's event source mapping for an SQS queue: pollers long-poll the queue (20 s), gather up
 * to `batchSize` messages for at most `batchingWindowSeconds` (and within the 6 MB invocation
 * payload), invoke the function with an SQS event, then delete the messages that succeeded.
 * A thrown error or timeout fails the whole batch; with `ReportBatchItemFailures`, the items the
 * function lists stay. Failed messages are not touched: their visibility timeout brings them
 * back, and the queue's redrive policy moves them to the DLQ after `maxReceiveCount` receives.
 *
 * There are `maximumConcurrency` pollers, each invoking one batch at a time, so at most that many
 * invocations run at once and the backlog waits in the queue. (Lambda scales its pollers with
 * the backlog; this keeps the cap, which is what Tasklane relies on, without the ramp-up.)
 */
export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const { sqs, queueUrl, fn } = options;
  const source = { queueArn: options.queueArn, region: options.region };
  const reportItemFailures = options.reportBatchItemFailures ?? true;
  const windowMs = options.batchingWindowSeconds * 1000;
  const stopping = new AbortController();
  let inFlight = 0;

  const pause = (ms: number) =>
    sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(max, SQS_MAX_BATCH_ENTRIES),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: stopping.signal },
    );
    return out.Messages ?? [];
  }

  /** One batch: a long poll, then more receives while the window, the size and the payload allow. */
  async function gather(): Promise<Message[]> {
    const batch = await receive(options.batchSize, SQS_MAX_WAIT_SECONDS);
    if (batch.length === 0 || windowMs === 0) return batch;
    const windowEnd = Date.now() + windowMs;
    let bytes = payloadBytes(batch);
    while (
      batch.length < options.batchSize &&
      bytes + SQS_MAX_MESSAGE_BYTES <= LAMBDA_PAYLOAD_MAX_BYTES &&
      !stopping.signal.aborted
    ) {
      const remainingMs = windowEnd - Date.now();
      if (remainingMs <= 0) break;
      const waitSeconds = Math.min(SQS_MAX_WAIT_SECONDS, Math.floor(remainingMs / 1000));
      const more = await receive(options.batchSize - batch.length, waitSeconds);
      if (more.length === 0 && waitSeconds === 0) await pause(Math.min(remainingMs, 50));
      batch.push(...more);
      bytes += payloadBytes(more);
    }
    return batch;
  }

  async function processBatch(messages: Message[]): Promise<void> {
    inFlight += 1;
    const startedAt = Date.now();
    const records = messages.map((message) => toSqsRecord(message, source));
    const ids = records.map((r) => r.messageId);
    let failed: ReadonlySet<string> = new Set();
    let error: string | undefined;
    try {
      const response = await invokeFunction(fn, { Records: records });
      if (reportItemFailures) {
        const verdict = batchVerdict(response, ids);
        failed = verdict.failed;
        error = verdict.invalid;
      }
    } catch (thrown) {
      failed = new Set(ids);
      if (thrown instanceof LambdaInvocationError) {
        error = `${thrown.errorType}: ${thrown.errorMessage}`;
        options.onFunctionError?.(thrown);
      } else {
        error = String(thrown);
      }
    }
    try {
      const { refused } = await settleBatch(sqs, queueUrl, records, { failed });
      if (refused.length > 0) {
        options.onSqsError?.(
          new Error(
            `SQS did not delete ${refused.length} processed message(s): ${refused.map((f) => f.Message ?? f.Code).join("; ")}`,
          ),
        );
      }
    } catch (deleteError) {
      options.onSqsError?.(deleteError);
    }
    inFlight -= 1;
    options.onBatch?.({
      functionName: fn.functionName,
      size: messages.length,
      failed: failed.size,
      durationMs: Date.now() - startedAt,
      ...(error ? { error } : {}),
    });
  }

  async function poller(): Promise<void> {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        messages = await gather();
      } catch (error) {
        if (stopping.signal.aborted) return;
        options.onSqsError?.(error);
        await pause(SQS_ERROR_PAUSE_MS);
        continue;
      }
      // Received while stopping: left for their visibility timeout to return them.
      if (stopping.signal.aborted) return;
      if (messages.length > 0) await processBatch(messages);
    }
  }

  const pollers = Array.from({ length: options.maximumConcurrency }, () => poller());
  return {
    get inFlight() {
      return inFlight;
    },
    async stop() {
      stopping.abort();
      await Promise.all(pollers);
    },
  };
}

/** About what the messages weigh in the event. */
function payloadBytes(messages: readonly Message[]): number {
  return messages.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0);
}
