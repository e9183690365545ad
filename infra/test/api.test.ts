import { FUNCTIONS } from "@tasklane/stack-config";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS_LOG_FORMAT } from "../components/taskApi.js";
import { describeEachStack, type ProgramRun, promiseOf, runProgram } from "./pulumiMocks.js";

/** Every route the catalog declares, with the function that serves it. */
const CATALOG_ROUTES = FUNCTIONS.flatMap((f) =>
  ("routes" in f ? f.routes : []).map((routeKey) => ({ routeKey, handler: f.name })),
);
const functionArn = (stack: string, name: string) =>
  `arn:aws:lambda:us-east-1:123456789012:function:tasklane-${stack}-${name}`;

describeEachStack("the HTTP API of the %s stack", ({ stack, config, run }) => {
  let executionArn: string;
  beforeAll(async () => {
    executionArn = `arn:aws:execute-api:us-east-1:123456789012:${await apiId(run)}`;
  });

  it("has one route per catalog route, $default included, and no other", () => {
    const routeKeys = run.ofType("aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey);

    expect(routeKeys.sort()).toEqual(CATALOG_ROUTES.map((r) => r.routeKey).sort());
    expect(routeKeys).toContain("$default");
  });

  it.each(CATALOG_ROUTES)(
    "sends $routeKey to the $handler function through a Lambda proxy integration (payload 2.0)",
    ({ routeKey, handler }) => {
      const route = run
        .ofType("aws:apigatewayv2/route:Route")
        .find((r) => r.inputs.routeKey === routeKey);
      const integrationId = String(route?.inputs.target).replace("integrations/", "");
      const integration = run
        .ofType("aws:apigatewayv2/integration:Integration")
        .find((i) => `${i.name}-id` === integrationId);

      expect(integration?.inputs).toMatchObject({
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        payloadFormatVersion: "2.0",
        integrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn(stack, handler)}/invocations`,
      });
    },
  );

  it.each(CATALOG_ROUTES)(
    "lets API Gateway invoke the $handler function for $routeKey only",
    ({ routeKey, handler }) => {
      const [method, path = ""] = routeKey.split(" ");
      const expected =
        routeKey === "$default"
          ? `${executionArn}/*/$default`
          : `${executionArn}/*/${method}${path.replace(/\{[^}]+\}/g, "*")}`;
      const permission = run
        .ofType("aws:lambda/permission:Permission")
        .find((p) => p.inputs.sourceArn === expected);

      expect(permission?.inputs, expected).toMatchObject({
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        function: `tasklane-${stack}-${handler}`,
      });
    },
  );

  it("grants no invoke permission without a source ARN, and API Gateway one per route", () => {
    const permissions = run.ofType("aws:lambda/permission:Permission");
    const fromApi = permissions.filter((p) => p.inputs.principal === "apigateway.amazonaws.com");

    expect(permissions.filter((p) => !p.inputs.sourceArn).map((p) => p.name)).toEqual([]);
    expect(fromApi).toHaveLength(CATALOG_ROUTES.length);
    expect(fromApi.every((p) => String(p.inputs.sourceArn).startsWith(`${executionArn}/`))).toBe(
      true,
    );
  });

  it("requires SigV4-signed requests on every route", () => {
    const routes = run.ofType("aws:apigatewayv2/route:Route");

    expect(config.api.auth).toBe("iam");
    for (const route of routes) {
      expect(route.inputs.authorizationType, String(route.inputs.routeKey)).toBe("AWS_IAM");
    }
  });

  it("deploys the $default stage automatically, throttled per the stack's config", () => {
    expect(run.named("apiStage").inputs).toMatchObject({
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingBurstLimit: config.api.throttle.burstLimit,
        throttlingRateLimit: config.api.throttle.rateLimit,
      },
    });
  });

  it("writes JSON access logs, without headers or bodies, to a log group with retention", () => {
    const logGroup = run.named("apiAccessLogGroup").inputs;
    const settings = run.named("apiStage").inputs.accessLogSettings as {
      destinationArn: string;
      format: string;
    };

    expect(logGroup.retentionInDays).toBe(config.logs.retentionDays);
    expect(settings.destinationArn).toBe(
      `arn:aws:logs:us-east-1:123456789012:log-group:${logGroup.name}`,
    );
    expect(settings.format).toBe(ACCESS_LOG_FORMAT);
    expect(Object.keys(JSON.parse(settings.format))).toEqual(
      expect.arrayContaining(["requestId", "routeKey", "status", "caller", "latencyMs"]),
    );
    expect(settings.format).not.toMatch(/\$input\.|\$context\.requestOverride|header/i);
  });

  it("configures no CORS unless origins are configured", () => {
    expect(run.named("apiApi").inputs.corsConfiguration).toBeUndefined();
  });

  it("exports the stage's URL", async () => {
    expect(await promiseOf(run.program.apiUrl)).toBe(
      `https://${await apiId(run)}.execute-api.us-east-1.amazonaws.com/`,
    );
  });
});

describe("the API's authentication", () => {
  const jwt = { issuer: "https://auth.example.com/", audience: ["tasklane"] };
  // One run for both: CORS and authentication are configured and built independently.
  const openDevApi = {
    "tasklane:api": { auth: "none", cors: { allowOrigins: ["https://console.example.com"] } },
  };

  it("uses a JWT authorizer on every route when configured", async () => {
    const run = await runProgram("prod", {
      "tasklane:api": { auth: "jwt", jwt, throttle: { burstLimit: 500, rateLimit: 200 } },
    });
    const [authorizer, ...more] = run.ofType("aws:apigatewayv2/authorizer:Authorizer");

    expect(more).toEqual([]);
    expect(authorizer?.inputs).toMatchObject({
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: jwt.issuer, audiences: jwt.audience },
    });
    for (const route of run.ofType("aws:apigatewayv2/route:Route")) {
      expect(route.inputs, String(route.inputs.routeKey)).toMatchObject({
        authorizationType: "JWT",
        authorizerId: `${authorizer?.name}-id`,
      });
    }
  });

  it("opens the routes only when a dev stack's config says auth: none", async () => {
    const run = await runProgram("dev", openDevApi);

    for (const route of run.ofType("aws:apigatewayv2/route:Route")) {
      expect(route.inputs.authorizationType, String(route.inputs.routeKey)).toBe("NONE");
    }
  });

  it("refuses auth: none in prod, stopping the program", async () => {
    await expect(runProgram("prod", { "tasklane:api": { auth: "none" } })).rejects.toThrow(
      "config key `tasklane:api.auth` is `none`, which only a dev stack may use",
    );
  });

  it("allows the configured origins, methods and headers when CORS is configured", async () => {
    const run = await runProgram("dev", openDevApi);

    expect(run.named("apiApi").inputs.corsConfiguration).toMatchObject({
      allowOrigins: ["https://console.example.com"],
      allowMethods: ["DELETE", "GET", "POST"],
      allowHeaders: expect.arrayContaining(["authorization", "content-type", "idempotency-key"]),
      exposeHeaders: expect.arrayContaining(["location", "x-correlation-id"]),
    });
  });
});

async function apiId(run: ProgramRun): Promise<string> {
  const url = await promiseOf(run.program.apiUrl);
  return new URL(url).hostname.split(".")[0] ?? "";
}
