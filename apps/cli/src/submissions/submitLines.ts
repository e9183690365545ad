import { setTimeout as sleep } from "node:timers/promises";
import {
  type BatchResult,
  type ProblemDetails,
  TasklaneApiError,
  type TasklaneClient,
} from "@tasklane/api-client";
import { BATCH_MAX_TASKS } from "@tasklane/shared-task";
import { BATCH_MAX_BYTES } from "../constants.js";
import { networkCode } from "../output/explainError.js";
import { type LineError, parseTaskLine, type TaskLine, type TaskSubmission } from "./taskLines.js";

export interface RejectedLine extends TaskLine {
  error: LineError;
}

/** Where a `submitLines` run is: every line read is processed once, as exactly one of these. */
export interface SubmitTally {
  processed: number;
  accepted: number;
  rejected: number;
  /** Empty or whitespace-only lines: not tasks, counted and skipped. */
  blank: number;
}

export interface SubmitLinesOptions {
  api: Pick<TasklaneClient, "submitBatch">;
  lines: AsyncIterable<TaskLine>;
  /** Batches in flight at once. */
  concurrency: number;
  /** Told about each rejected line, as soon as it is known. */
  onRejected: (rejected: RejectedLine) => void | Promise<void>;
  onProgress?: (tally: Readonly<SubmitTally>) => void;
  /** When aborted, no further batch is sent; the lines not sent are rejected as "Not submitted". */
  signal?: AbortSignal;
  /** @default 100 */
  maxTasks?: number;
  /** @default 900,000 */
  maxBytes?: number;
  /** Pauses before re-sending what the API could not take for now (429, 503). */
  retryDelaysMs?: readonly number[];
}

export interface SubmitLinesResult extends SubmitTally {
  /** The signal aborted before every line was sent. */
  interrupted: boolean;
  /** Of the rejected lines, those never sent (interrupted, or stopped by `fatal`). */
  notSubmitted: number;
  /** What stopped the run early: an error every batch would meet (unreachable, refused auth). */
  fatal?: unknown;
}

interface Pending extends TaskLine {
  task: TaskSubmission;
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];

/**
 * Submits the tasks of `lines` through `POST /tasks/batch`: batches of at most `maxTasks` lines
 * and `maxBytes`, at most `concurrency` of them in flight. Each line ends accepted, rejected (with
 * its reason, through `onRejected`) or blank; none is dropped.
 *
 * What is safe to send again is sent again: a batch the API throttled (429) or could not take
 * (503, nothing accepted), an item answered 503 (the API rolled it back), a batch that never
 * reached the API. A batch too large for the API (413) is halved. A batch whose fate is unknown
 * (a 500, a connection lost mid-request) is not resent, and its lines are rejected saying so.
 */
export async function submitLines(options: SubmitLinesOptions): Promise<SubmitLinesResult> {
  const maxTasks = options.maxTasks ?? BATCH_MAX_TASKS;
  const maxBytes = options.maxBytes ?? BATCH_MAX_BYTES;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const tally: SubmitTally = { processed: 0, accepted: 0, rejected: 0, blank: 0 };
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;
  let notSubmitted = 0;

  const stopped = () => fatal !== undefined || options.signal?.aborted === true;
  const progress = () => options.onProgress?.(tally);
  const reject = async (item: TaskLine, error: LineError) => {
    tally.rejected++;
    tally.processed++;
    await options.onRejected({ line: item.line, text: item.text, error });
    progress();
  };
  /** The reason of a line never sent, counted. */
  const notSent = (): LineError => {
    notSubmitted++;
    return {
      title: "Not submitted",
      detail:
        fatal !== undefined
          ? `submit-many stopped before sending this line: ${describe(fatal)}`
          : "submit-many was interrupted before sending this line; submit it again",
    };
  };

  async function submitChunk(items: Pending[], attempt: number): Promise<void> {
    let result: BatchResult;
    try {
      result = await options.api.submitBatch(items.map((item) => item.task));
    } catch (error) {
      if (error instanceof TasklaneApiError && error.status === 413 && items.length > 1) {
        const half = Math.ceil(items.length / 2);
        await submitChunk(items.slice(0, half), attempt);
        await submitChunk(items.slice(half), attempt);
        return;
      }
      const delay = delays[attempt];
      if (delay !== undefined && safeToResend(error) && !stopped()) {
        await sleep(delay);
        return submitChunk(items, attempt + 1);
      }
      if (isFatal(error)) fatal ??= error;
      const lineError = requestError(error);
      for (const item of items) await reject(item, lineError);
      return;
    }

    const byIndex = new Map(result.results.map((r) => [r.index, r]));
    const again: Pending[] = [];
    let accepted = 0;
    for (const [index, item] of items.entries()) {
      const outcome = byIndex.get(index);
      if (!outcome) {
        await reject(item, {
          title: "No answer",
          detail: "the API returned no result for this line; it may or may not have been accepted",
        });
      } else if ("error" in outcome) {
        if (outcome.error.status === 503 && delays[attempt] !== undefined && !stopped()) {
          again.push(item);
        } else {
          await reject(item, problemError(outcome.error));
        }
      } else {
        accepted++;
      }
    }
    tally.accepted += accepted;
    tally.processed += accepted;
    progress();
    if (again.length > 0) {
      await sleep(delays[attempt] ?? 0);
      await submitChunk(again, attempt + 1);
    }
  }

  let chunk: Pending[] = [];
  let chunkBytes = 0;
  const dispatch = async () => {
    const items = chunk;
    chunk = [];
    chunkBytes = 0;
    if (items.length === 0) return;
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (stopped()) {
      for (const item of items) await reject(item, notSent());
      return;
    }
    const sending: Promise<void> = submitChunk(items, 0)
      .catch(async (error: unknown) => {
        // Only onRejected can throw here (the rejects file cannot be written): stop everything.
        fatal ??= error;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  for await (const item of options.lines) {
    if (stopped()) {
      await reject(item, notSent());
      continue;
    }
    if (item.text.trim() === "") {
      tally.blank++;
      tally.processed++;
      progress();
      continue;
    }
    const parsed = parseTaskLine(item.text);
    if ("error" in parsed) {
      await reject(item, parsed.error);
      continue;
    }
    const bytes = Buffer.byteLength(item.text);
    if (chunk.length >= maxTasks || (chunk.length > 0 && chunkBytes + bytes > maxBytes)) {
      await dispatch();
    }
    chunk.push({ ...item, task: parsed.task });
    chunkBytes += bytes;
  }
  await dispatch();
  while (inFlight.size > 0) await Promise.all(inFlight);

  return {
    ...tally,
    interrupted: options.signal?.aborted === true,
    notSubmitted,
    ...(fatal !== undefined ? { fatal } : {}),
  };
}

/** Sending it again cannot run a task twice: nothing of the batch was accepted. */
function safeToResend(error: unknown): boolean {
  if (error instanceof TasklaneApiError) return error.status === 429 || error.status === 503;
  return networkCode(error) === "ECONNREFUSED";
}

/** Connections lost mid-request: this batch's fate is unknown, but the next one may pass. */
const PASSING_NETWORK_ERRORS = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET"]);

/**
 * Every other batch would meet it too (the API is not there, refuses the credentials, or is not
 * a Tasklane API): stop instead of rejecting every line the same way.
 */
function isFatal(error: unknown): boolean {
  if (error instanceof TasklaneApiError) return [401, 403, 404].includes(error.status);
  return !PASSING_NETWORK_ERRORS.has(networkCode(error) ?? "");
}

function problemError(problem: ProblemDetails): LineError {
  return {
    title: problem.title,
    detail: problem.detail,
    status: problem.status,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

const UNKNOWN_FATE =
  "these lines may or may not have been accepted: check with `tasklane list` before submitting them again, or give them idempotency keys";

function requestError(error: unknown): LineError {
  if (error instanceof TasklaneApiError) {
    const problem = error.problem;
    const unknownFate = error.status >= 500 && error.status !== 503;
    return {
      title: problem?.title ?? `HTTP ${error.status}`,
      detail: `${problem?.detail ?? error.message}${unknownFate ? `; ${UNKNOWN_FATE}` : ""}`,
      status: error.status,
      ...(problem?.errors ? { errors: problem.errors } : {}),
    };
  }
  const code = networkCode(error);
  if (code) {
    return {
      title: "API unreachable",
      detail: `the request failed (${code})${code === "ECONNREFUSED" ? "" : `; ${UNKNOWN_FATE}`}`,
    };
  }
  return { title: (error as Error).name ?? "Error", detail: describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof TasklaneApiError)
    return `the API answered ${error.status}: ${error.message}`;
  const code = networkCode(error);
  if (code) return `the API could not be reached (${code})`;
  return (error as Error)?.message ?? String(error);
}
