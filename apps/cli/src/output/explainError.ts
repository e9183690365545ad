import { type ProblemDetails, TasklaneApiError } from "@tasklane/api-client";
import { NETWORK_ERROR_CODES } from "@tasklane/shared-task";
import { InterruptedError, RefusedError, TargetError, TasklaneCliError } from "../errors.js";
import type { Target } from "../target/resolveTarget.js";

const CREDENTIALS_FIX =
  "sign in to AWS the usual way (`aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again";

/** Error names the AWS SDK gives to missing, invalid or expired credentials. */
const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);

const QUEUE_MISSING = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "NonExistentQueue",
]);

/**
 * Turns any error into one the user can act on: the problem, the fix and the exit code. Errors
 * the CLI does not recognize come back as they are (a bug: reported with its stack).
 */
export function explainError(error: unknown, target?: Target): unknown {
  if (error instanceof TasklaneCliError) return error;
  if (isAbort(error)) return new InterruptedError("interrupted");
  if (error instanceof TasklaneApiError) return explainApiError(error, target);

  const code = networkCode(error);
  if (code) {
    // fetch (the API client) fails with a TypeError; the AWS SDK (SQS) with a plain Error.
    const api = error instanceof TypeError;
    const failing = api
      ? `the API at ${target?.apiUrl ?? "?"}`
      : `SQS${target?.sqsEndpoint ? ` at ${target.sqsEndpoint}` : ""}`;
    return new TargetError(`cannot reach ${failing} (${code})`, {
      fix: unreachableFix(target, !api),
      cause: error,
    });
  }
  if (error instanceof SyntaxError && target?.apiUrl) {
    return new TargetError(
      `${target.apiUrl} answered something that is not JSON: is it a Tasklane API?`,
      {
        fix: unreachableFix(target, false),
        cause: error,
      },
    );
  }

  const name = (error as { name?: string } | undefined)?.name ?? "";
  const message = (error as Error | undefined)?.message ?? String(error);
  if (CREDENTIAL_ERRORS.has(name) || /could not load credentials/i.test(message)) {
    return new TargetError(
      `no valid AWS credentials for ${target?.description ?? "AWS"}: ${message}`,
      {
        fix: CREDENTIALS_FIX,
        cause: error,
      },
    );
  }
  if (QUEUE_MISSING.has(name)) {
    return new TargetError(`the queue does not exist: ${message}`, {
      fix: "check --dlq-url / --queue-url (or the stack outputs file): the queue is named after the project and stack, e.g. tasklane-dev-tasks-dlq",
      cause: error,
    });
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) {
    return new RefusedError(`SQS refused the request: ${name}: ${message}`, {
      fix: /AccessDenied|KMS/i.test(name)
        ? "your AWS principal needs sqs:ReceiveMessage, sqs:ChangeMessageVisibility, sqs:DeleteMessage and sqs:GetQueueAttributes on the DLQ, sqs:SendMessage on the tasks queue, and kms:Decrypt and kms:GenerateDataKey on an encrypted queue's key"
        : "retry in a moment; if it keeps failing, check the queue in the AWS console",
      cause: error,
    });
  }
  return error;
}

function explainApiError(error: TasklaneApiError, target: Target | undefined): TasklaneCliError {
  const problem = error.problem as (ProblemDetails & { message?: string }) | undefined;
  const detail = problem?.detail ?? problem?.message ?? error.message;
  const details = (problem?.errors ?? []).map((e) => `\`${e.path}\`: ${e.message}`);
  const base = { problem: problem ?? { status: error.status, detail }, details, cause: error };
  switch (error.status) {
    case 401:
    case 403:
      return new RefusedError(`the API refused the request (${error.status}): ${detail}`, {
        ...base,
        fix: target?.signApi
          ? `check your AWS credentials: the principal needs execute-api:Invoke on the API (the stack's \`apiExecutionArn\` output), and the region (${target.region ?? "?"}) must be the API's. ${CREDENTIALS_FIX}`
          : "this API requires AWS IAM auth: name the stack with --stack-outputs <file>, or add --sigv4 (and --region)",
      });
    case 404:
      return new RefusedError(detail, {
        ...base,
        fix: "check the id: `tasklane list --since 7d` lists recent tasks",
      });
    case 409:
      return new RefusedError(detail, {
        ...base,
        fix: "`tasklane status <id>` shows where the task is",
      });
    case 400:
    case 422:
      return new RefusedError(`${problem?.title ?? "the request is invalid"}: ${detail}`, {
        ...base,
        details: [],
        fix: "`tasklane types` shows each task type's input schema",
      });
    case 413:
      return new RefusedError(detail, { ...base, fix: "store large data in S3 and send its key" });
    case 429:
      return new RefusedError(`the API is throttling requests: ${detail}`, {
        ...base,
        fix: "wait a moment and retry, or send fewer requests at once (--concurrency)",
      });
    default:
      return new RefusedError(`the API failed (${error.status}): ${detail}`, {
        ...base,
        fix:
          error.status >= 500
            ? "retry in a moment; if it keeps failing, read the logs (the `pnpm dev` console, or the stack's CloudWatch logs)"
            : undefined,
      });
  }
}

function unreachableFix(target: Target | undefined, sqs: boolean): string {
  switch (target?.source) {
    case "local-runtime":
      return `the local runtime recorded in ${target.discoveryFile} does not answer: restart \`pnpm dev\``;
    case "stack-outputs":
      return "check that the stack is deployed and the outputs file is current, and your network";
    case "flags":
      return sqs
        ? "check --queue-url / --dlq-url (or TASKLANE_QUEUE_URL / TASKLANE_DLQ_URL)"
        : "check --api-url / TASKLANE_API_URL; for the local runtime, start `pnpm dev` and drop the flag";
    default:
      return "start `pnpm dev`, or point at a stack with --stack-outputs <file>";
  }
}

/** The network error code of a failed fetch (`cause.code`) or AWS SDK call (`code`). */
export function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return code;
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    return (error.cause as Error | undefined)?.message || "fetch failed";
  }
  return undefined;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === "AbortError";
}
