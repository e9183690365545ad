import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { isTransientError } from "@tasklane/shared-task/basics";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { header } from "./httpRequest.js";
import { HttpProblem, problemResponse, problems } from "./problem.js";
import { type RequestLogger, requestLogger } from "./requestLogger.js";
import { allowedMethods } from "./routes.js";

export type RouteHandler = (
  event: APIGatewayProxyEventV2,
  request: { requestId: string; correlationId: string; logger: RequestLogger; metrics: Metrics },
) => Promise<APIGatewayProxyStructuredResultV2>;

const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/**
 * A Lambda handler for some of the API's routes, keyed by route key (`POST /tasks`). It logs with
 * the request's correlation id, publishes metrics, and turns every failure into an RFC 9457
 * response: `HttpProblem`s as they are, throttling and outages of AWS services as 503, anything
 * else as a 500 that shows no internals.
 */
export function createHttpHandler(service: string, routes: Record<string, RouteHandler>) {
  const baseLogger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: "Tasklane", serviceName: service });

  return async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    baseLogger.addContext(context);
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const offered = header(event, "x-correlation-id");
    const correlationId = offered && CORRELATION_ID.test(offered) ? offered : requestId;
    const logger = requestLogger(baseLogger, {
      correlation_id: correlationId,
      route: event.routeKey,
    });
    try {
      const route = routes[event.routeKey];
      if (!route) return notRouted(event);
      const response = await route(event, { requestId, correlationId, logger, metrics });
      return { ...response, headers: { ...response.headers, "x-correlation-id": correlationId } };
    } catch (error) {
      if (error instanceof HttpProblem) {
        return problemResponse(error.problem, {
          ...error.headers,
          "x-correlation-id": correlationId,
        });
      }
      if (isTransientError(error)) {
        logger.warn("an AWS service refused the request; answering 503", { error: error as Error });
        return problemResponse(
          problems.unavailable(
            "a service Tasklane depends on is busy or unavailable; retry shortly",
          ),
          { "retry-after": "1", "x-correlation-id": correlationId },
        );
      }
      logger.error("request failed", { error: error as Error });
      return problemResponse(problems.internal(requestId), { "x-correlation-id": correlationId });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** 405 with `Allow` for a known path and another method; 404 for an unknown path. */
export function notRouted(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const allow = allowedMethods(path);
  if (allow.length > 0) {
    return problemResponse(problems.methodNotAllowed(method, path, allow), {
      allow: allow.join(", "),
    });
  }
  return problemResponse(problems.notFound(`there is no route ${method} ${path}`));
}
