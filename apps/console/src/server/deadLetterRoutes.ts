import type { IncomingMessage, ServerResponse } from "node:http";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type DeadLetter,
  type DeadLetterChoice,
  deadLetterJson,
  type MessageReport,
  peekDeadLetters,
  purgeDeadLetters,
  queueDepth,
  queueName,
  RECEIVE_WAIT_SECONDS,
  redriveDeadLetters,
  selectDeadLetters,
} from "@tasklane/dead-letters";
import type {
  DeadLetterPage,
  PurgeAnswer,
  RedriveAnswer,
  SweepAnswer,
} from "../shared/consoleViews.js";
import { HttpProblem, readJsonObject, sendJson } from "./http.js";

/** What the Dead letters page may ask for in one peek. */
const PEEK_LIMIT_MAX = 1_000;
const PEEK_LIMIT_DEFAULT = 100;
const ACTION_BODY_MAX_BYTES = 1024 * 1024;

export interface DeadLetterRoutesOptions {
  sqs: SQSClient | undefined;
  dlqUrl: string | undefined;
  queueUrl: string | undefined;
  /** True for a local emulator, which answers receives exactly: no long poll is needed. */
  emulator: boolean;
}

/**
 * `/console/dlq...`: the DLQ through @tasklane/dead-letters, the same code as `tasklane dlq`.
 * One operation runs at a time: a peek or a sweep hides the messages it reads for a moment, and
 * two at once would each miss what the other holds.
 */
export function deadLetterRoutes(options: DeadLetterRoutesOptions) {
  const waitTimeSeconds = options.emulator ? 0 : RECEIVE_WAIT_SECONDS;
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const dlq = (): { sqs: SQSClient; dlqUrl: string } => {
    if (!options.sqs || !options.dlqUrl) {
      throw new HttpProblem({
        status: 404,
        title: "No DLQ",
        detail:
          "the console was started without the DLQ's URL: give --dlq-url or --stack-outputs to `tasklane console`",
      });
    }
    return { sqs: options.sqs, dlqUrl: options.dlqUrl };
  };
  /** Acts on the chosen messages, one operation at a time; `done` counts those that reached `outcome`. */
  const sweep = (
    choice: DeadLetterChoice,
    outcome: MessageReport["outcome"],
    act: (
      select: (letter: DeadLetter) => boolean,
      onReport: (report: MessageReport) => void,
    ) => Promise<unknown>,
  ): Promise<SweepAnswer & { done: number }> =>
    oneAtATime(async () => {
      const selection = selectDeadLetters(choice);
      const reports: MessageReport[] = [];
      await act(selection.select, (report) => reports.push(report));
      return {
        done: reports.filter((r) => r.outcome === outcome).length,
        failed: reports.filter((r) => r.outcome !== outcome).length,
        notFound: selection.notFound(),
        reports,
      };
    });

  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /console/dlq": {
        const { sqs, dlqUrl } = dlq();
        const limit = peekLimit(url.searchParams.get("limit"));
        const body = await oneAtATime(async (): Promise<DeadLetterPage> => {
          const depth = await queueDepth(sqs, dlqUrl);
          const { letters, more } = await peekDeadLetters(sqs, dlqUrl, { limit, waitTimeSeconds });
          return {
            dlq: { url: dlqUrl, name: queueName(dlqUrl) },
            depth,
            messages: letters.map(deadLetterJson),
            more,
          };
        });
        sendJson(res, 200, body);
        return true;
      }
      case "GET /console/dlq/depth": {
        const { sqs, dlqUrl } = dlq();
        sendJson(res, 200, { depth: await queueDepth(sqs, dlqUrl) });
        return true;
      }
      case "POST /console/dlq/redrive": {
        const { sqs, dlqUrl } = dlq();
        if (!options.queueUrl) {
          throw new HttpProblem({
            status: 404,
            title: "No tasks queue",
            detail:
              "a redrive sends messages back to the tasks queue, and the console was started without its URL",
          });
        }
        const queueUrl = options.queueUrl;
        const choice = readChoice(await readJsonObject(req, ACTION_BODY_MAX_BYTES));
        const { done, ...answer } = await sweep(choice, "redriven", (select, onReport) =>
          redriveDeadLetters({
            sqs,
            dlqUrl,
            queueUrl,
            select,
            waitTimeSeconds,
            dryRun: false,
            onReport,
          }),
        );
        sendJson(res, 200, { redriven: done, ...answer } satisfies RedriveAnswer);
        return true;
      }
      case "POST /console/dlq/purge": {
        const { sqs, dlqUrl } = dlq();
        const request = await readJsonObject(req, ACTION_BODY_MAX_BYTES);
        if (request.confirm !== true) {
          throw new HttpProblem({
            status: 400,
            title: "Purge not confirmed",
            detail: "a purge deletes messages for good; it needs `confirm: true`",
            errors: [{ path: "confirm", message: "must be true" }],
          });
        }
        const choice = readChoice(request);
        const { done, ...answer } = await sweep(choice, "deleted", (select, onReport) =>
          purgeDeadLetters({ sqs, dlqUrl, select, waitTimeSeconds, onReport }),
        );
        sendJson(res, 200, { deleted: done, ...answer } satisfies PurgeAnswer);
        return true;
      }
      default:
        return false;
    }
  };
}

/** `{ "all": true }` or `{ "ids": [...] }`, one of the two. */
function readChoice(body: Record<string, unknown>): DeadLetterChoice {
  const { all, ids } = body;
  const validIds =
    Array.isArray(ids) &&
    ids.length > 0 &&
    ids.every((id) => typeof id === "string" && id.length > 0);
  if (all === true && ids === undefined) return { all: true };
  if (all === undefined && validIds) return { ids: ids as string[] };
  throw new HttpProblem({
    status: 400,
    title: "Bad request",
    detail: "name the messages: either `all: true` or `ids: [...]` (task or message ids)",
    errors: [{ path: all === undefined ? "ids" : "all", message: "give `all: true` or `ids`" }],
  });
}

function peekLimit(value: string | null): number {
  if (value === null) return PEEK_LIMIT_DEFAULT;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= PEEK_LIMIT_MAX) return n;
  throw new HttpProblem({
    status: 400,
    title: "Bad request",
    detail: `limit must be a whole number from 1 to ${PEEK_LIMIT_MAX}`,
    errors: [{ path: "limit", message: `must be from 1 to ${PEEK_LIMIT_MAX}` }],
  });
}
