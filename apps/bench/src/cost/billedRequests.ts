import type { CountedRequest } from "./requestCounter.js";

/** Requests counted but not billed to the tasks, by why. */
export interface ExcludedRequests {
  /** The event source mapping's empty polls: a cost by the hour, not by the task. */
  emptyReceives: number;
  /** Requests made outside every handler (the benchmark's own). */
  outsideHandlers: number;
  /** Requests that ended without an answer, which the SDK then sends again. */
  unanswered: number;
}

const ESM_ACTIONS =
  /^(ReceiveMessage|DeleteMessage|DeleteMessageBatch|ChangeMessageVisibility(Batch)?)$/;
/** An empty `ReceiveMessage` answer (`{}` or `{"Messages":[]}`) is this short. */
const EMPTY_RECEIVE_MAX_BYTES = 20;

/**
 * Which counted requests AWS bills to the tasks: those the handlers made, and the event source
 * mapping's non-empty receives and its deletes (the consumer's on AWS).
 *
 * A request that ended with no answer is left out. Node's HTTP servers (dynalite's) close a
 * keep-alive socket after 5 idle seconds, and Node's agent stops reusing it a second before; on
 * a loaded machine that timer can fire late, so the SDK sends on a closing socket, meets
 * `ECONNRESET` and sends the request again. AWS bills no request that never reached it, and one
 * that took effect before its answer was lost shows in what its resend meets (a conditional
 * put's resend is refused, and the producer then reads the record).
 */
export function billedRequests<Caller>(counted: readonly CountedRequest<Caller>[]): {
  billed: CountedRequest<Caller>[];
  excluded: ExcludedRequests;
} {
  const excluded: ExcludedRequests = { emptyReceives: 0, outsideHandlers: 0, unanswered: 0 };
  const billed: CountedRequest<Caller>[] = [];
  for (const request of counted) {
    if (request.done && request.statusCode === undefined) {
      excluded.unanswered += 1;
      continue;
    }
    if (request.caller === undefined) {
      if (request.service !== "SQS" || !ESM_ACTIONS.test(request.action)) {
        excluded.outsideHandlers += 1;
        continue;
      }
      if (
        request.action === "ReceiveMessage" &&
        (request.responseBytes ?? 0) <= EMPTY_RECEIVE_MAX_BYTES
      ) {
        excluded.emptyReceives += 1;
        continue;
      }
    }
    billed.push(request);
  }
  return { billed, excluded };
}

/** The sum of `parts`' exclusions (all zero for none). */
export function addExcluded(...parts: ExcludedRequests[]): ExcludedRequests {
  return parts.reduce(
    (sum, part) => ({
      emptyReceives: sum.emptyReceives + part.emptyReceives,
      outsideHandlers: sum.outsideHandlers + part.outsideHandlers,
      unanswered: sum.unanswered + part.unanswered,
    }),
    { emptyReceives: 0, outsideHandlers: 0, unanswered: 0 },
  );
}
