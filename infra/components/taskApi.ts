import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS, resourceName, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** API Gateway's limit on an API's name. */
const API_NAME_MAX_LENGTH = 128;
const ROUTE_KEY = /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/[^\s]*)$/;

/** What a route is answered by. */
export interface ApiRouteTarget {
  /**
   * The route key: `METHOD /path` with `{param}` segments, or `$default` for every request
   * no other route matches.
   * @example "GET /tasks/{id}"
   */
  routeKey: string;
  /**
   * Short name of the handler; names the integration and the permission.
   * @example "status"
   */
  handler: string;
  /** The function that answers (Lambda proxy integration, payload format 2.0). */
  function: aws.lambda.Function;
}

export interface TaskApiArgs {
  /** The stack the API belongs to; its physical names derive from it. */
  ref: StackRef;
  /** One entry per route. */
  routes: ApiRouteTarget[];
  /**
   * How every route authenticates callers: `iam` (SigV4-signed requests from principals
   * allowed `execute-api:Invoke`), `jwt` (a JWT authorizer; needs `jwt`), or `none` (no
   * authentication: only for stacks whose config explicitly opens the API).
   * @default "iam"
   * @example "jwt"
   */
  auth?: "iam" | "jwt" | "none";
  /**
   * Issuer and audiences of the JWT authorizer; required when `auth` is `jwt`, and refused
   * otherwise (it would be ignored).
   * @example { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", audience: ["client-id"] }
   */
  jwt?: { issuer: string; audience: string[] };
  /**
   * Throttling of the default stage: steady requests per second and burst.
   * @default { burstLimit: 100, rateLimit: 50 }
   * @example { burstLimit: 500, rateLimit: 200 }
   */
  throttle?: { burstLimit: number; rateLimit: number };
  /**
   * Origins browsers may call the API from; empty configures no CORS.
   * @default []
   * @example ["https://console.example.com"]
   */
  corsOrigins?: string[];
  /**
   * Days CloudWatch keeps the access logs.
   * @default 14
   * @example 90
   */
  logRetentionDays?: number;
}

/**
 * The HTTP API: one route per handler route, each a Lambda proxy integration (payload 2.0)
 * whose invoke permission names that route only; the `$default` stage with auto-deploy,
 * throttling and JSON access logs; IAM or JWT authorization on every route.
 *
 * @example
 * ```ts
 * const api = new TaskApi("api", {
 *   ref,
 *   routes: [{ routeKey: "POST /tasks", handler: "ingest", function: ingest.function }],
 *   auth: "iam",
 * });
 * export const apiUrl = api.url;
 * ```
 */
export class TaskApi extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  readonly routes: aws.apigatewayv2.Route[];
  /** The base URL of the API (the `$default` stage). */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: TaskApiArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskApi", name, {}, opts);
    const apiName = resourceName(args.ref, name, API_NAME_MAX_LENGTH);

    this.api = new aws.apigatewayv2.Api(
      `${name}Api`,
      {
        name: apiName,
        protocolType: "HTTP",
        description: `Tasklane task API (${args.ref.stack})`,
        ...(settings.corsOrigins.length > 0 ? { corsConfiguration: corsFor(settings) } : {}),
      },
      { parent: this },
    );

    this.accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}AccessLogGroup`,
      {
        name: `/aws/vendedlogs/apigateway/${apiName}`,
        retentionInDays: settings.logRetentionDays,
      },
      { parent: this },
    );

    this.stage = new aws.apigatewayv2.Stage(
      `${name}Stage`,
      {
        apiId: this.api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingBurstLimit: settings.throttle.burstLimit,
          throttlingRateLimit: settings.throttle.rateLimit,
        },
        accessLogSettings: {
          destinationArn: this.accessLogGroup.arn,
          format: ACCESS_LOG_FORMAT,
        },
      },
      { parent: this },
    );

    const authorizer =
      settings.auth === "jwt" && settings.jwt
        ? new aws.apigatewayv2.Authorizer(
            `${name}JwtAuthorizer`,
            {
              apiId: this.api.id,
              name: "jwt",
              authorizerType: "JWT",
              identitySources: ["$request.header.Authorization"],
              jwtConfiguration: {
                issuer: settings.jwt.issuer,
                audiences: settings.jwt.audience,
              },
            },
            { parent: this },
          )
        : undefined;

    const integrations = new Map<string, aws.apigatewayv2.Integration>();
    this.routes = settings.routes.map((route) => {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new aws.apigatewayv2.Integration(
          `${name}Integration-${route.handler}`,
          {
            apiId: this.api.id,
            integrationType: "AWS_PROXY",
            integrationMethod: "POST",
            integrationUri: route.function.invokeArn,
            payloadFormatVersion: "2.0",
          },
          { parent: this },
        );
        integrations.set(route.handler, integration);
      }
      const slug = routeSlug(route.routeKey);

      new aws.lambda.Permission(
        `${name}Permission-${slug}`,
        {
          action: "lambda:InvokeFunction",
          function: route.function.name,
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${this.api.executionArn}/${routeSourcePath(route.routeKey)}`,
        },
        { parent: this },
      );

      return new aws.apigatewayv2.Route(
        `${name}Route-${slug}`,
        {
          apiId: this.api.id,
          routeKey: route.routeKey,
          target: pulumi.interpolate`integrations/${integration.id}`,
          ...authorizationFor(settings.auth, authorizer),
        },
        { parent: this },
      );
    });

    this.url = this.stage.invokeUrl;
    this.registerOutputs({ url: this.url, apiId: this.api.id });
  }
}

/**
 * One JSON object per request: who called, which route, what came back and how long it took.
 * No headers and no bodies, so no credentials or task data reach the logs.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  ip: "$context.identity.sourceIp",
  caller: "$context.identity.caller",
  userArn: "$context.identity.userArn",
  jwtSubject: "$context.authorizer.claims.sub",
  routeKey: "$context.routeKey",
  path: "$context.path",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationStatus: "$context.integrationStatus",
  integrationLatencyMs: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
  authorizerError: "$context.authorizer.error",
  error: "$context.error.message",
});

/** Request headers browsers may send: content, SigV4 or bearer auth, idempotency, correlation. */
const CORS_ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "idempotency-key",
  "x-correlation-id",
  "x-amz-content-sha256",
  "x-amz-date",
  "x-amz-security-token",
];
/** Response headers scripts may read. */
const CORS_EXPOSE_HEADERS = ["location", "retry-after", "idempotent-replayed", "x-correlation-id"];

function corsFor(settings: TaskApiSettings): aws.types.input.apigatewayv2.ApiCorsConfiguration {
  const methods = new Set(
    settings.routes
      .map((route) => route.routeKey.split(" ")[0] ?? "")
      .filter((method) => method !== "$default"),
  );
  return {
    allowOrigins: settings.corsOrigins,
    allowMethods: [...methods].sort(),
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 3600,
  };
}

function authorizationFor(
  auth: TaskApiSettings["auth"],
  authorizer: aws.apigatewayv2.Authorizer | undefined,
): Pick<aws.apigatewayv2.RouteArgs, "authorizationType" | "authorizerId"> {
  if (auth === "iam") return { authorizationType: "AWS_IAM" };
  if (auth === "jwt" && authorizer)
    return { authorizationType: "JWT", authorizerId: authorizer.id };
  return { authorizationType: "NONE" };
}

/**
 * The part of a route's `execute-api` ARN after the API: `<stage>/<METHOD>/<path>`, with each
 * `{param}` a wildcard, or `<stage>/$default` for the catch-all route.
 */
export function routeSourcePath(routeKey: string): string {
  if (routeKey === "$default") return "*/$default";
  const [method, path = "/"] = routeKey.split(" ");
  return `*/${method}${path.replace(/\{[^}]+\}/g, "*")}`;
}

/** A route key as a resource-name fragment: `GET /tasks/{id}` -> `GET-tasks-id`. */
export function routeSlug(routeKey: string): string {
  return routeKey.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

type TaskApiSettings = Required<Omit<TaskApiArgs, "ref" | "jwt">> & Pick<TaskApiArgs, "jwt">;

function normalizeArgs(name: string, args: TaskApiArgs): TaskApiSettings {
  const settings: TaskApiSettings = {
    auth: "iam",
    throttle: { burstLimit: 100, rateLimit: 50 },
    corsOrigins: [],
    logRetentionDays: 14,
    ...args,
  };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskApi", name, field, problem);
  };
  if (settings.routes.length === 0) fail("routes", "must name at least one route");
  const seen = new Set<string>();
  settings.routes.forEach((route, index) => {
    if (!ROUTE_KEY.test(route.routeKey)) {
      fail(
        `routes[${index}].routeKey`,
        `must be "METHOD /path" or "$default", got "${route.routeKey}"`,
      );
    }
    if (seen.has(route.routeKey)) fail(`routes[${index}].routeKey`, `repeats "${route.routeKey}"`);
    seen.add(route.routeKey);
  });
  if (settings.auth === "jwt" && !settings.jwt) fail("jwt", "is required when auth is jwt");
  if (settings.auth !== "jwt" && settings.jwt) {
    fail("jwt", `is only used when auth is jwt, not ${settings.auth}`);
  }
  if (settings.throttle.burstLimit < 1 || settings.throttle.rateLimit <= 0) {
    fail("throttle", "must allow at least one request (burstLimit >= 1, rateLimit > 0)");
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
    fail("logRetentionDays", `must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  return settings;
}
