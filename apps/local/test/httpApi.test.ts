import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
} from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  API_PAYLOAD_MAX_BYTES,
  type HttpApi,
  type LambdaHandler,
  LOCAL_CALLER_ARN,
  type RequestReport,
  startHttpApi,
} from "../src/index.js";
import { bearer, sigV4Authorization } from "./helpers/callers.js";
import { testFunction } from "./helpers/localFunctions.js";
import { rawRequest } from "./helpers/rawHttp.js";

type Event = APIGatewayProxyEventV2WithIAMAuthorizer;

describe("the local HTTP API", () => {
  let api: HttpApi;
  let bare: HttpApi;
  let events: Event[];
  let reports: RequestReport[];
  const echoEvent: LambdaHandler = async (event) => {
    events.push(event as Event);
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: "{}" };
  };
  const routes = (handlers: Record<string, LambdaHandler>) =>
    Object.entries(handlers).map(([routeKey, handler]) => ({
      routeKey,
      target: testFunction(handler, { functionName: routeKey.replace(/\W+/g, "-") }),
    }));

  beforeAll(async () => {
    api = await startHttpApi({
      authorizer: { kind: "iam", userArn: LOCAL_CALLER_ARN, accountId: "000000000000" },
      onRequest: (report) => reports.push(report),
      routes: routes({
        "POST /items": echoEvent,
        "GET /items/{id}": echoEvent,
        "POST /items/{id}/retry": echoEvent,
        "GET /items/special": async () => ({ special: true }),
        "ANY /files/{path+}": echoEvent,
        "GET /text": async () => "plain words",
        "GET /binary": async () => ({
          statusCode: 200,
          headers: { "content-type": "application/octet-stream" },
          body: Buffer.from([0, 1, 2, 255]).toString("base64"),
          isBase64Encoded: true,
        }),
        "GET /cookies": async () => ({
          statusCode: 204,
          headers: { "x-one": "1" },
          cookies: ["a=1; Path=/", "b=2; HttpOnly"],
        }),
        "GET /boom": async () => {
          throw new TypeError("a bug");
        },
        "GET /bad-status": async () => ({ statusCode: "teapot", body: "" }),
        "GET /bad-body": async () => ({ statusCode: 200, body: { not: "a string" } }),
        $default: async () => ({
          statusCode: 404,
          headers: { "content-type": "application/problem+json" },
          body: JSON.stringify({ title: "Not found" }),
        }),
      }),
    });
    bare = await startHttpApi({
      authorizer: { kind: "none" },
      routes: routes({ "GET /only": async () => ({ statusCode: 200, body: "ok" }) }),
    });
  });

  afterAll(async () => {
    await api.stop();
    await bare.stop();
  });

  beforeEach(() => {
    events = [];
    reports = [];
  });

  it("turns a request into an API Gateway payload format 2.0 event", async () => {
    // Act
    const response = await rawRequest(`${api.url}/items?a=1&a=2&b=x%20y`, {
      method: "POST",
      headers: [
        ["Content-Type", "application/json"],
        ["X-Custom", "one"],
        ["X-Custom", "two"],
        ["Cookie", "c1=v1; c2=v2"],
        ["User-Agent", "vitest-agent"],
      ],
      body: '{"hello":"world"}',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers["apigw-requestid"]).toEqual(expect.any(String));
    const event = events[0] as Event;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /items",
      rawPath: "/items",
      rawQueryString: "a=1&a=2&b=x%20y",
      queryStringParameters: { a: "1,2", b: "x y" },
      cookies: ["c1=v1", "c2=v2"],
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: "000000000000",
        http: {
          method: "POST",
          path: "/items",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "vitest-agent",
        },
        requestId: response.headers["apigw-requestid"],
        routeKey: "POST /items",
        stage: "$default",
        timeEpoch: expect.any(Number),
        time: expect.stringMatching(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        authorizer: { iam: { userArn: LOCAL_CALLER_ARN, accountId: "000000000000" } },
      },
    });
    expect(event.headers).toMatchObject({
      "content-type": "application/json",
      "x-custom": "one,two",
      "user-agent": "vitest-agent",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-amzn-trace-id": expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
    });
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event.pathParameters).toBeUndefined();
    expect(reports).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/items",
        routeKey: "POST /items",
        statusCode: 200,
      }),
    ]);
  });

  it("tells two callers apart by the access keys their SigV4 requests are signed with", async () => {
    // Act
    for (const accessKey of ["AKIAALICE0000000000A", "AKIABOB00000000000B0"]) {
      await rawRequest(`${api.url}/items/1`, {
        headers: [
          ["Authorization", sigV4Authorization(accessKey)],
          ["X-Amz-Date", "20261125T100000Z"],
        ],
      });
    }
    await rawRequest(`${api.url}/items/1`);

    // Assess
    expect(events.map((e) => e.requestContext.authorizer.iam.userArn)).toEqual([
      "arn:aws:iam::000000000000:user/AKIAALICE0000000000A",
      "arn:aws:iam::000000000000:user/AKIABOB00000000000B0",
      LOCAL_CALLER_ARN,
    ]);
    expect(events[0]?.requestContext.authorizer.iam).toMatchObject({
      accessKey: "AKIAALICE0000000000A",
      accountId: "000000000000",
    });
  });

  it("fills path parameters, decoded, from the route's {param} segments", async () => {
    // Act
    await rawRequest(`${api.url}/items/a%20b`);
    await rawRequest(`${api.url}/items/42/retry`, { method: "POST" });
    await rawRequest(`${api.url}/files/docs/2026/report.pdf`, { method: "DELETE" });

    // Assess
    expect(events.map((e) => [e.routeKey, e.pathParameters])).toEqual([
      ["GET /items/{id}", { id: "a b" }],
      ["POST /items/{id}/retry", { id: "42" }],
      ["ANY /files/{path+}", { path: "docs/2026/report.pdf" }],
    ]);
    expect(events[0]?.rawPath).toBe("/items/a%20b");
    expect(events[0]?.body).toBeUndefined();
  });

  it("prefers a literal route to a {param} one, and answers a bare result as 200 JSON", async () => {
    // Act
    const response = await rawRequest(`${api.url}/items/special`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.text)).toEqual({ special: true });
    expect(events).toHaveLength(0);
  });

  it("sends a bare string result as the body itself", async () => {
    // Act
    const response = await rawRequest(`${api.url}/text`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.text).toBe("plain words");
  });

  it("passes a binary body base64-encoded and decodes a base64 response", async () => {
    // Act
    await rawRequest(`${api.url}/items`, {
      method: "POST",
      headers: [["content-type", "application/octet-stream"]],
      body: Buffer.from([0, 159, 146, 150]),
    });
    const binary = await rawRequest(`${api.url}/binary`);

    // Assess
    expect(events[0]).toMatchObject({
      isBase64Encoded: true,
      body: Buffer.from([0, 159, 146, 150]).toString("base64"),
    });
    expect([...binary.body]).toEqual([0, 1, 2, 255]);
  });

  it("sends the cookies of a structured response as Set-Cookie headers", async () => {
    // Act
    const response = await rawRequest(`${api.url}/cookies`);

    // Assess
    expect(response.status).toBe(204);
    expect(response.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(response.headers["x-one"]).toBe("1");
  });

  it("routes a request no route matches to $default", async () => {
    // Act
    const response = await rawRequest(`${api.url}/nowhere`, { method: "PUT" });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    expect(reports[0]?.routeKey).toBe("$default");
  });

  it("answers 404 Not Found itself when there is no $default route", async () => {
    // Act
    const response = await rawRequest(`${bare.url}/nowhere`);

    // Assess
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toEqual({ message: "Not Found" });
  });

  describe.each([
    { route: "/boom", why: "the function throws" },
    { route: "/bad-status", why: "the statusCode is not a number" },
    { route: "/bad-body", why: "the body is not a string" },
  ])("when $why", ({ route }) => {
    it("answers 500 Internal Server Error", async () => {
      // Act
      const response = await rawRequest(`${api.url}${route}`);

      // Assess
      expect(response.status).toBe(500);
      expect(JSON.parse(response.text)).toEqual({ message: "Internal Server Error" });
    });
  });

  it("refuses a body over API Gateway's 10 MB limit with 413, without invoking the function", async () => {
    // Act
    const response = await rawRequest(`${api.url}/items`, {
      method: "POST",
      headers: [["content-type", "application/json"]],
      body: Buffer.alloc(API_PAYLOAD_MAX_BYTES + 1, 0x20),
    });

    // Assess
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text)).toEqual({ message: "Request Entity Too Large" });
    expect(events).toHaveLength(0);
  });

  it("passes a large body under both limits to the function whole", async () => {
    // Prepare
    const body = "x".repeat(5 * 1024 * 1024);

    // Act
    const response = await rawRequest(`${api.url}/items`, {
      method: "POST",
      headers: [["content-type", "text/plain"]],
      body,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(events[0]?.body).toHaveLength(body.length);
  });
});

describe("the local HTTP API with JWT auth", () => {
  let api: HttpApi;
  let events: APIGatewayProxyEventV2WithJWTAuthorizer[];
  let reports: RequestReport[];

  beforeAll(async () => {
    api = await startHttpApi({
      authorizer: { kind: "jwt", claims: { sub: "tasklane-local", iss: "https://localhost/" } },
      onRequest: (report) => reports.push(report),
      routes: [
        {
          routeKey: "GET /whoami",
          target: testFunction(async (event) => {
            events.push(event as APIGatewayProxyEventV2WithJWTAuthorizer);
            return { statusCode: 204 };
          }),
        },
      ],
    });
  });

  afterAll(async () => {
    await api.stop();
  });

  beforeEach(() => {
    events = [];
    reports = [];
  });

  it("gives the function a bearer token's claims and scopes, and the default claims without one", async () => {
    // Act
    await rawRequest(`${api.url}/whoami`, {
      headers: [["Authorization", bearer({ sub: "carol", scope: "tasks/read tasks/write" })]],
    });
    await rawRequest(`${api.url}/whoami`);

    // Assess
    expect(events.map((e) => e.requestContext.authorizer.jwt)).toEqual([
      {
        claims: { sub: "carol", scope: "tasks/read tasks/write" },
        scopes: ["tasks/read", "tasks/write"],
      },
      { claims: { sub: "tasklane-local", iss: "https://localhost/" }, scopes: null },
    ]);
  });

  it("refuses a malformed token with 401 problem+json, without invoking the function", async () => {
    // Act
    const response = await rawRequest(`${api.url}/whoami`, {
      headers: [["Authorization", "Bearer not.a-token"]],
    });

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    expect(response.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    expect(JSON.parse(response.text)).toMatchObject({ status: 401, title: "Unauthorized" });
    expect(events).toHaveLength(0);
    expect(reports).toEqual([
      expect.objectContaining({ routeKey: "GET /whoami", statusCode: 401 }),
    ]);
  });
});
