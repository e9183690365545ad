import type { Logger } from "@aws-lambda-powertools/logger";

type Level = "debug" | "info" | "warn" | "error";

/** Logs about one request; every line carries the request's keys. */
export type RequestLogger = Record<
  Level,
  (message: string, attributes?: Record<string, unknown>) => void
>;

/**
 * A logger whose every line carries `keys`. They go with each call rather than through
 * `appendKeys`, which keeps them on the Logger: one Logger serves every invocation of a module,
 * and where invocations overlap (the local runtime runs several at once) one request's keys
 * would land on another's lines.
 */
export function requestLogger(logger: Logger, keys: Record<string, unknown>): RequestLogger {
  const at =
    (level: Level) =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      logger[level](message, { ...keys, ...attributes });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
