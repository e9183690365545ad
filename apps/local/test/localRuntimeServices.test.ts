import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { FUNCTION_ENV, stackConfigSchema } from "@tasklane/stack-config";
import { waitFor } from "@tasklane/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { banner } from "../src/cli.js";
import {
  DISCOVERY_FILE,
  LambdaInvocationError,
  type LocalRuntime,
  type LocalRuntimeEvent,
  startLocalRuntime,
  writeDiscoveryFile,
} from "../src/index.js";
import { dynamodbClient } from "./helpers/awsClients.js";
import { bearer, sigV4Authorization } from "./helpers/callers.js";
import { failFake, fakeBundlesRoot, fakeCalls, resetFakes } from "./helpers/fakeBundles.js";

// The runtime's own services (the table, the schedule, the callers, what it tells tools), over
// handler bundles that only record what they are given.
const REPO_ROOT = findRepoRoot(process.cwd());
const SCHEDULED = "resend-unsent";
let root: string;

beforeAll(async () => {
  root = await fakeBundlesRoot(REPO_ROOT);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  resetFakes();
});

describe("the local runtime's table, schedule and callers", () => {
  let runtime: LocalRuntime;
  const events: LocalRuntimeEvent[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      repoRoot: root,
      port: 0,
      handlerLogLevel: "SILENT",
      testOverrides: { scheduleIntervalMs: 50 },
      onEvent: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await runtime.stop();
  });

  it("creates the stack's table in dynalite, with the indexes the Pulumi program deploys", async () => {
    // Prepare
    const dynamodb = dynamodbClient(runtime.dynamodbUrl);

    try {
      // Act
      const { Table: table } = await dynamodb.send(
        new DescribeTableCommand({ TableName: runtime.tableName }),
      );

      // Assess
      expect(runtime.tableName).toBe("tasklane-dev-tasks");
      expect(table).toMatchObject({
        TableStatus: "ACTIVE",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
      });
      expect(table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
        "byOwner",
        "byTime",
        "unsent",
      ]);
      expect(runtime.env).toMatchObject({
        AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamodbUrl,
        [FUNCTION_ENV.tableName]: "tasklane-dev-tasks",
        [FUNCTION_ENV.resultExpirationDays]: "0",
        [FUNCTION_ENV.operators]: JSON.stringify({ principals: [] }),
      });
    } finally {
      dynamodb.destroy();
    }
  });

  it("invokes resend-unsent on its schedule with a Scheduled Event, the table in its environment", async () => {
    // Act
    const calls = await waitFor(
      () => (fakeCalls(SCHEDULED).length >= 2 ? fakeCalls(SCHEDULED) : undefined),
      { what: "two scheduled invocations" },
    );

    // Assess
    expect(calls[0]?.event).toMatchObject({
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "000000000000",
      region: "us-east-1",
      resources: ["arn:aws:events:us-east-1:000000000000:rule/tasklane-dev-resend-unsent"],
      detail: {},
    });
    expect(calls[0]?.env).toMatchObject({
      tableName: runtime.tableName,
      dynamodbEndpoint: runtime.dynamodbUrl,
    });
  });

  it("runs a scheduled function once on demand, and reports it failing as a function error", async () => {
    // Act
    await runtime.runScheduled(SCHEDULED);
    const ran = fakeCalls(SCHEDULED).length;
    failFake(SCHEDULED);
    const failed = await runtime.runScheduled(SCHEDULED).catch((error: unknown) => error);
    failFake(undefined);

    // Assess
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(failed).toBeInstanceOf(LambdaInvocationError);
    expect(failed).toMatchObject({ errorType: "FakeFailure", errorMessage: "failing on purpose" });
    expect(events).toContainEqual({
      kind: "function-error",
      functionName: "tasklane-dev-resend-unsent",
      errorType: "FakeFailure",
      errorMessage: "failing on purpose",
    });
    expect(fakeCalls(SCHEDULED).at(-1)?.event).toMatchObject({
      "detail-type": "Scheduled Event",
    });
  });

  it("presents each SigV4 caller to the producer as the user its access key names", async () => {
    // Act
    const authorizers = [];
    for (const authorization of [
      sigV4Authorization("AKIAALICE0000000000A"),
      sigV4Authorization("AKIABOB00000000000B0"),
      undefined,
    ]) {
      const response = await fetch(`${runtime.apiUrl}/tasks`, {
        headers: authorization ? { authorization } : {},
      });
      authorizers.push((await response.json()) as { iam: { userArn: string } });
    }

    // Assess
    expect(authorizers.map((a) => a.iam.userArn)).toEqual([
      "arn:aws:iam::000000000000:user/AKIAALICE0000000000A",
      "arn:aws:iam::000000000000:user/AKIABOB00000000000B0",
      "arn:aws:iam::000000000000:user/tasklane-local",
    ]);
  });

  it("tells tools and people where the table is: the discovery file and the banner", async () => {
    // Act
    const path = await writeDiscoveryFile(root, runtime);
    const discovery = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    const printed = banner(runtime, "127.0.0.1", false);

    // Assess
    expect(path).toBe(join(root, DISCOVERY_FILE));
    expect(discovery).toMatchObject({
      tableName: "tasklane-dev-tasks",
      dynamodbUrl: runtime.dynamodbUrl,
      fauxqsUrl: runtime.fauxqsUrl,
    });
    expect(printed).toContain(`DynamoDB        ${runtime.dynamodbUrl}   (dynalite, in memory)`);
    expect(printed).toContain(
      "Table           tasklane-dev-tasks   (indexes byOwner, byTime, unsent)",
    );
    expect(printed).toContain("API             http://localhost:");
  });
});

describe("the local runtime with JWT auth", () => {
  it("gives the producer a bearer token's claims, and refuses a malformed one with 401", async () => {
    // Prepare
    const runtime = await startLocalRuntime({
      repoRoot: root,
      port: 0,
      handlerLogLevel: "SILENT",
      config: stackConfigSchema.parse({
        owner: "test",
        api: {
          auth: "jwt",
          jwt: { issuer: "https://issuer.example/", audience: ["tasklane"] },
          operators: { jwtScope: "tasklane/operator" },
        },
      }),
    });

    try {
      // Act
      const signed = await fetch(`${runtime.apiUrl}/tasks`, {
        headers: { authorization: bearer({ sub: "dave", scope: "tasklane/operator" }) },
      });
      const anonymous = await fetch(`${runtime.apiUrl}/tasks`);
      const malformed = await fetch(`${runtime.apiUrl}/tasks`, {
        headers: { authorization: "Bearer nonsense" },
      });

      // Assess
      expect(await signed.json()).toEqual({
        jwt: { claims: { sub: "dave", scope: "tasklane/operator" }, scopes: ["tasklane/operator"] },
      });
      expect(await anonymous.json()).toEqual({
        jwt: { claims: { sub: "tasklane-local", iss: "https://issuer.example/" }, scopes: null },
      });
      expect(malformed.status).toBe(401);
      expect(malformed.headers.get("content-type")).toBe("application/problem+json");
      expect(JSON.parse(runtime.env[FUNCTION_ENV.operators] ?? "")).toEqual({
        principals: [],
        jwtScope: "tasklane/operator",
      });
    } finally {
      await runtime.stop();
    }
  });
});

describe("stopping the local runtime", () => {
  it("stops the schedule first, then closes dynalite", async () => {
    // Prepare
    const endpointBefore = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const runtime = await startLocalRuntime({
      repoRoot: root,
      port: 0,
      handlerLogLevel: "SILENT",
      testOverrides: { scheduleIntervalMs: 20 },
    });
    await waitFor(() => (fakeCalls(SCHEDULED).length > 0 ? true : undefined));
    const dynamodb = dynamodbClient(runtime.dynamodbUrl);

    try {
      // Act
      await runtime.stop();
      const callsAtStop = fakeCalls(SCHEDULED).length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const described = await dynamodb
        .send(new DescribeTableCommand({ TableName: runtime.tableName }))
        .catch((error: unknown) => error);

      // Assess
      expect(fakeCalls(SCHEDULED)).toHaveLength(callsAtStop);
      expect(described).toBeInstanceOf(Error);
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(endpointBefore);
      await expect(runtime.runScheduled(SCHEDULED)).rejects.toThrow("stopped");
    } finally {
      dynamodb.destroy();
    }
  });
});
