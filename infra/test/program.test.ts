import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  bundlePaths,
  FUNCTION_ENV,
  FUNCTIONS,
  functionSizing,
  LAMBDA_HANDLER,
  NAME_LIMITS,
  workflowBounds,
} from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import {
  componentName,
  describeEachStack,
  json,
  type ProgramRun,
  promiseOf,
  runProgram,
} from "./pulumiMocks.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

function manifestRecord(name: string) {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new Error(`no catalog function ${name}`);
  const manifest = JSON.parse(readFileSync(`${repoRoot}${bundlePaths(spec).manifest}`, "utf8")) as {
    bundles: { name: string; sha256: string; sha256Base64: string }[];
  };
  const record = manifest.bundles.find((b) => b.name === name);
  if (!record) throw new Error(`no bundle ${name} in the manifest`);
  return record;
}

function environmentOf(run: ProgramRun, name: string): Record<string, string> {
  return (
    run.named(`${componentName(name)}Function`).inputs.environment as {
      variables: Record<string, string>;
    }
  ).variables;
}

describeEachStack("the %s stack", ({ stack, config, run }) => {
  it("exports the API URL, table, queues, state machine, buckets and function names", async () => {
    const { program } = run;

    expect(await promiseOf(program.tableName)).toBe(`tasklane-${stack}-tasks`);
    expect(await promiseOf(program.tableArn)).toBe(
      `arn:aws:dynamodb:us-east-1:123456789012:table/tasklane-${stack}-tasks`,
    );
    expect(await promiseOf(program.apiUrl)).toMatch(/^https:\/\/.+\.execute-api\.us-east-1\./);
    expect(await promiseOf(program.apiExecutionArn)).toMatch(
      /^arn:aws:execute-api:us-east-1:123456789012:\w+$/,
    );
    expect(await promiseOf(program.queueUrl)).toContain(`tasklane-${stack}-tasks`);
    expect(await promiseOf(program.queueArn)).toMatch(/^arn:aws:sqs:/);
    expect(await promiseOf(program.deadLetterQueueUrl)).toContain(`tasklane-${stack}-tasks-dlq`);
    expect(await promiseOf(program.deadLetterQueueArn)).toMatch(/^arn:aws:sqs:.*-dlq$/);
    expect(await promiseOf(program.stateMachineArn)).toBe(
      `arn:aws:states:us-east-1:123456789012:stateMachine:tasklane-${stack}-workflow`,
    );
    expect(await promiseOf(program.payloadsBucket)).toMatch(`tasklane-${stack}-payloads-`);
    expect(await promiseOf(program.resultsBucket)).toMatch(`tasklane-${stack}-results-`);
    expect(Object.keys(program.functionNames).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    expect(await promiseOf(program.functionNames.ingest as never)).toBe(`tasklane-${stack}-ingest`);
  });

  it("exports the release: each bundle's sha256 from its manifest and the git commit", () => {
    const { release } = run.program;

    expect(release.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof release.dirty).toBe("boolean");
    for (const spec of FUNCTIONS) {
      expect(release.bundles[spec.name], spec.name).toBe(manifestRecord(spec.name).sha256);
    }
  });

  it("tags every resource with app, stack and owner through one explicit provider", () => {
    const [provider, ...others] = run.ofType("pulumi:providers:aws");

    expect(others).toEqual([]);
    expect(provider?.inputs.region).toBe("us-east-1");
    // A provider's object inputs reach the engine as JSON text.
    expect(json(provider?.inputs.defaultTags)).toEqual({
      tags: { app: "tasklane", stack, owner: "platform-team" },
    });
  });

  it("creates every AWS resource through the tagged provider, none through a default one", () => {
    const providerRef = `urn:pulumi:${stack}::tasklane::pulumi:providers:aws::aws::`;
    const strays = run.resources
      .filter((r) => r.custom && r.type.startsWith("aws:"))
      .filter((r) => !r.provider?.startsWith(providerRef))
      .map((r) => `${r.type} ${r.name} (${r.provider})`);

    expect(strays).toEqual([]);
  });

  it.each(FUNCTIONS.map((f) => f.name))(
    "deploys the %s function from its zip, on arm64 Node 22, sized for its role",
    async (name) => {
      const spec = FUNCTIONS.find((f) => f.name === name) as (typeof FUNCTIONS)[number];
      const fn = run.named(`${componentName(name)}Function`).inputs;
      const sizing = functionSizing(config, spec.role);

      expect(await (fn.code as { path: Promise<string> }).path).toBe(
        `${repoRoot}${bundlePaths(spec).zip}`,
      );
      expect(fn.sourceCodeHash).toBe(manifestRecord(name).sha256Base64);
      expect(fn.handler).toBe(LAMBDA_HANDLER);
      expect(fn.runtime).toBe("nodejs22.x");
      expect(fn.architectures).toEqual(["arm64"]);
      expect(fn.memorySize).toBe(sizing.memoryMb);
      expect(fn.timeout).toBe(sizing.timeoutSeconds);
      expect(fn.tracingConfig).toEqual({ mode: "Active" });
    },
  );

  it.each(FUNCTIONS.map((f) => f.name))(
    "gives the %s function exactly its catalog environment, plus Powertools",
    (name) => {
      const spec = FUNCTIONS.find((f) => f.name === name) as (typeof FUNCTIONS)[number];
      const variables = (
        run.named(`${componentName(name)}Function`).inputs.environment as {
          variables: Record<string, string>;
        }
      ).variables;

      // No NODE_OPTIONS: source maps are off unless `lambda.sourceMaps` turns them on.
      expect(Object.keys(variables).sort()).toEqual(
        [
          ...spec.env.map((key) => FUNCTION_ENV[key]),
          "POWERTOOLS_LOG_LEVEL",
          "POWERTOOLS_METRICS_NAMESPACE",
          "POWERTOOLS_SERVICE_NAME",
        ].sort(),
      );
      expect(variables).toMatchObject({
        POWERTOOLS_LOG_LEVEL: config.logs.level,
        POWERTOOLS_METRICS_NAMESPACE: "Tasklane",
        POWERTOOLS_SERVICE_NAME: `tasklane-${name}`,
      });
    },
  );

  it("points each function's environment at this stack's table, buckets, queue and state machine", async () => {
    const values: Record<string, string> = {
      TASKLANE_TABLE_NAME: await promiseOf(run.program.tableName),
      TASKLANE_RESULT_EXPIRATION_DAYS: String(config.storage.resultExpirationDays),
      TASKLANE_OPERATORS: JSON.stringify(config.api.operators),
      TASKLANE_RESULTS_BUCKET: await promiseOf(run.program.resultsBucket),
      TASKLANE_PAYLOADS_BUCKET: await promiseOf(run.program.payloadsBucket),
      TASKLANE_QUEUE_URL: await promiseOf(run.program.queueUrl),
      TASKLANE_STATE_MACHINE_ARN: await promiseOf(run.program.stateMachineArn),
      TASKLANE_EXPRESS_STATE_MACHINE_ARN: `arn:aws:states:us-east-1:123456789012:stateMachine:tasklane-${stack}-workflow-express`,
      TASKLANE_WORKFLOW_BOUNDS: JSON.stringify(workflowBounds(config)),
      TASKLANE_MAX_BODY_BYTES: String(config.producer.maxBodyBytes),
      TASKLANE_INLINE_INPUT_MAX_BYTES: String(config.producer.inlineInputMaxBytes),
    };

    for (const spec of FUNCTIONS) {
      const variables = environmentOf(run, spec.name);
      const expected = Object.fromEntries(
        spec.env.map((key) => [FUNCTION_ENV[key], values[FUNCTION_ENV[key]]]),
      );
      expect(variables, `${componentName(spec.name)}Function`).toMatchObject(expected);
    }
    expect(Object.keys(values).sort()).toEqual(Object.values(FUNCTION_ENV).sort());
  });

  it("keeps every physical name within its AWS limit", () => {
    const limits: Record<string, number> = {
      "aws:lambda/function:Function": NAME_LIMITS.lambdaFunction,
      "aws:sqs/queue:Queue": NAME_LIMITS.sqsQueue,
      "aws:iam/role:Role": NAME_LIMITS.iamRole,
      "aws:sfn/stateMachine:StateMachine": NAME_LIMITS.stateMachine,
      "aws:cloudwatch/logGroup:LogGroup": NAME_LIMITS.logGroup,
      "aws:sns/topic:Topic": NAME_LIMITS.snsTopic,
      "aws:cloudwatch/metricAlarm:MetricAlarm": 255,
      "aws:apigatewayv2/api:Api": 128,
      "aws:dynamodb/table:Table": NAME_LIMITS.dynamoTable,
      "aws:cloudwatch/eventRule:EventRule": 64,
    };
    const tooLong = run.resources
      .filter((r) => r.type in limits && typeof r.inputs.name === "string")
      .filter((r) => (r.inputs.name as string).length > (limits[r.type] as number))
      .map((r) => `${r.name}: ${r.inputs.name}`);

    expect(tooLong).toEqual([]);
    for (const bucket of run.ofType("aws:s3/bucket:Bucket")) {
      expect((bucket.inputs.bucketPrefix as string).length, bucket.name).toBeLessThanOrEqual(37);
    }
  });
});

describe("who operates every caller's tasks (tasklane:api.operators)", () => {
  it("hands the configured operators, as JSON, to exactly the functions that read them", async () => {
    const operators = {
      principals: ["arn:aws:iam::123456789012:role/tasklane-operators"],
      jwtScope: "tasklane/operate",
    };
    const run = await runProgram("dev", { "tasklane:api": { auth: "iam", operators } });

    for (const spec of FUNCTIONS) {
      const value = environmentOf(run, spec.name)[FUNCTION_ENV.operators];
      const reads = (spec.env as readonly string[]).includes("operators");
      expect(value, `${componentName(spec.name)}Function`).toBe(
        reads ? JSON.stringify(operators) : undefined,
      );
    }
  });
});

describe("stack traces mapped to the sources (tasklane:lambda.sourceMaps)", () => {
  it("makes every function read its bundle's source map when turned on", async () => {
    // Prepare
    const run = await runProgram("prod", { "tasklane:lambda": { sourceMaps: true } });

    // Assess
    for (const spec of FUNCTIONS) {
      expect(
        environmentOf(run, spec.name).NODE_OPTIONS,
        `${componentName(spec.name)}Function`,
      ).toBe("--enable-source-maps");
    }
  });
});

describe("a bad config value", () => {
  it("stops the program with a message naming the key and the stack", async () => {
    await expect(runProgram("prod", { "tasklane:queue": { maxReceiveCount: 2 } })).rejects.toThrow(
      "stack `prod`: config key `tasklane:queue.maxReceiveCount`",
    );
  });

  it("stops the program when a required key is missing", async () => {
    await expect(runProgram("dev", { "tasklane:owner": undefined })).rejects.toThrow(
      "config key `tasklane:owner` is required",
    );
  });

  it("stops the program when the AWS region is not set", async () => {
    await expect(runProgram("dev", { "aws:region": undefined })).rejects.toThrow("aws:region");
  });
});
