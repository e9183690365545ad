import { CONSOLE_HEADER } from "../shared/consoleHeader.js";
import type { ProblemDetails } from "./model/types.js";

/** A call the API or the console server answered with an error; `problem` is its document. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Partial<ProblemDetails> | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Calls the console server: `/api/...` reaches the Tasklane API (signed by the server),
 * `/console/...` the DLQ and the overview. Throws `ApiError` for a non-2xx answer.
 */
export async function call<T>(
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: "application/json, application/problem+json",
        [CONSOLE_HEADER]: "1",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, undefined, "the console server does not answer: is it still running?");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem =
      body && typeof body === "object" ? (body as Partial<ProblemDetails>) : undefined;
    throw new ApiError(
      response.status,
      problem,
      problem?.detail ?? problem?.title ?? `${method} ${path} answered ${response.status}`,
    );
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export const get = <T>(path: string, signal?: AbortSignal) =>
  call<T>("GET", path, signal ? { signal } : {}).then((a) => a.body);

/** An error in words, for a message on the page. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const title = error.problem?.title;
    return title && title !== error.message ? `${title}: ${error.message}` : error.message;
  }
  return (error as Error | undefined)?.message ?? String(error);
}

export function isAbort(error: unknown): boolean {
  return (error as Error | undefined)?.name === "AbortError";
}
