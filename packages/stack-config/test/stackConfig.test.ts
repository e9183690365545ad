import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  FUNCTION_ENV,
  fromPulumiConfig,
  functionSizing,
  MAX_BODY_BYTES_LIMIT,
  parseStackConfig,
  payloadLifetimeNeededSeconds,
  queueVisibilityTimeoutSeconds,
  readExpressWorkflow,
  readStackConfigFile,
  resourceName,
  runsFromBuild,
  SettingsError,
  StackConfigError,
  stackConfigWarnings,
  workflowBounds,
} from "../src/index.js";

const repoFile = (name: string) => fileURLToPath(new URL(`../../../${name}`, import.meta.url));
const dev = { project: "tasklane", stack: "dev" };
const prod = { project: "tasklane", stack: "prod" };

describe("the stack config files in this repository", () => {
  it.each([
    ["Pulumi.dev.yaml", dev],
    ["Pulumi.prod.yaml", prod],
  ])("%s is valid", (file, ref) => {
    const { config, region } = readStackConfigFile(repoFile(file), ref);

    expect(config.owner).toBe("platform-team");
    expect(region).toBe("us-east-1");
  });

  it("prod differs from dev where it matters", () => {
    const d = readStackConfigFile(repoFile("Pulumi.dev.yaml"), dev).config;
    const p = readStackConfigFile(repoFile("Pulumi.prod.yaml"), prod).config;

    expect(p.consumer.maximumConcurrency).toBeGreaterThan(d.consumer.maximumConcurrency);
    expect(p.logs.retentionDays).toBeGreaterThan(d.logs.retentionDays);
    expect(p.storage).toMatchObject({ versioning: true, retain: true, forceDestroy: false });
    expect(d.storage.forceDestroy).toBe(true);
    expect(p.workflow.includeExecutionData).toBe(false);
    expect(p.queue.kms).toBe(true);
    expect(p.alarms.email ?? p.alarms.topicArn).toBeDefined();
  });

  it.each([
    ["Pulumi.dev.yaml", dev],
    ["Pulumi.prod.yaml", prod],
  ])("%s runs short tasks on Express, and says so", (file, ref) => {
    const { config } = readStackConfigFile(repoFile(file), ref);

    expect(config.workflow.express).toBe("auto");
  });

  it.each([
    ["Pulumi.dev.yaml", dev],
    ["Pulumi.prod.yaml", prod],
  ])(
    "%s keeps large inputs as long as a message can take to run, with a FIFO queue too",
    (file, ref) => {
      const { config } = readStackConfigFile(repoFile(file), ref);
      const kept = config.storage.payloadExpirationDays * 86_400;

      expect(kept).toBeGreaterThanOrEqual(payloadLifetimeNeededSeconds(config));
      expect(kept).toBeGreaterThanOrEqual(
        payloadLifetimeNeededSeconds({ ...config, queue: { ...config.queue, fifo: true } }),
      );
    },
  );

  it("warns, naming the key and the stack, while prod's alarm address is a reserved one", () => {
    const { config } = readStackConfigFile(repoFile("Pulumi.prod.yaml"), prod);

    expect(stackConfigWarnings(config, prod)).toEqual(
      config.alarms.email?.endsWith("@example.com")
        ? [
            expect.stringContaining(
              "stack `prod`: config key `tasklane:alarms.email` is at example.com",
            ),
          ]
        : [],
    );
  });
});

describe("parseStackConfig", () => {
  it("fills in every default from just an owner", () => {
    const config = parseStackConfig({ owner: "me" }, dev);

    expect(config.queue).toMatchObject({ fifo: false, maxReceiveCount: 5 });
    expect(config.workflow.taskRetry.maxAttempts).toBe(3);
    expect(config.api.auth).toBe("iam");
  });

  it.each([
    ["a missing owner", { owner: undefined }, "config key `tasklane:owner` is required"],
    [
      "maxReceiveCount under 5",
      { queue: { maxReceiveCount: 3 } },
      "`tasklane:queue.maxReceiveCount`",
    ],
    [
      "a typo in a key",
      { queue: { maxRecieveCount: 5 } },
      "`tasklane:queue.maxRecieveCount` is not a Tasklane setting",
    ],
    ["an unknown section", { queues: {} }, "`tasklane:queues` is not a Tasklane setting"],
    [
      "a DLQ that forgets sooner than the queue",
      { queue: { retentionSeconds: 86_400, dlqRetentionSeconds: 3_600 } },
      "`tasklane:queue.dlqRetentionSeconds`: must be longer",
    ],
    [
      "a FIFO batch over 10",
      { queue: { fifo: true }, consumer: { batchSize: 20, batchingWindowSeconds: 1 } },
      "`tasklane:consumer.batchSize`: must be at most 10",
    ],
    ["jwt auth without an issuer", { api: { auth: "jwt" } }, "`tasklane:api.jwt`: is required"],
    [
      "a JWT authorizer config while auth is left at iam",
      { api: { jwt: { issuer: "https://auth.example.com/", audience: ["tasklane"] } } },
      "`tasklane:api.jwt`: is set but api.auth is iam, so it would be ignored",
    ],
    [
      "a batching window on a FIFO queue",
      { queue: { fifo: true }, consumer: { batchingWindowSeconds: 1 } },
      "`tasklane:consumer.batchingWindowSeconds`: must be 0 when queue.fifo is true",
    ],
    [
      "large inputs that expire before a redriven message runs",
      { storage: { payloadExpirationDays: 7 } },
      "`tasklane:storage.payloadExpirationDays`: must be at least 19 days",
    ],
    [
      "large inputs that expire before a redriven FIFO message runs",
      { queue: { fifo: true }, storage: { payloadExpirationDays: 22 } },
      "`tasklane:storage.payloadExpirationDays`: must be at least 23 days",
    ],
    [
      "a request body too large for a Lambda invocation",
      { producer: { maxBodyBytes: MAX_BODY_BYTES_LIMIT + 1 } },
      "`tasklane:producer.maxBodyBytes`: must be at most 4194304",
    ],
    [
      "both an alarm address and an alarm topic",
      {
        alarms: {
          email: "oncall@example.com",
          topicArn: "arn:aws:sns:us-east-1:123456789012:oncall",
        },
      },
      "`tasklane:alarms.topicArn`: cannot be set with alarms.email",
    ],
    [
      "an alarm topic that is not an SNS topic ARN",
      { alarms: { topicArn: "arn:aws:sqs:us-east-1:123456789012:oncall" } },
      "`tasklane:alarms.topicArn`: must be the ARN of a standard SNS topic",
    ],
    [
      "a log retention CloudWatch does not offer",
      { logs: { retentionDays: 10 } },
      "`tasklane:logs.retentionDays`: must be one of",
    ],
    [
      "an execution timeout shorter than a step",
      { workflow: { executionTimeoutSeconds: 60 }, steps: { timeoutSeconds: 60 } },
      "`tasklane:workflow.executionTimeoutSeconds`: must be longer",
    ],
    [
      "retained buckets that may be force-destroyed",
      { storage: { retain: true, forceDestroy: true } },
      "`tasklane:storage.forceDestroy`: cannot be true",
    ],
    [
      "Express with retries that leave no room for a task in its 5 minutes",
      {
        workflow: {
          taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
        },
      },
      "`tasklane:workflow.express`: cannot be auto: no task fits an Express workflow with these retries",
    ],
    [
      "a concurrency under AWS's minimum of 2",
      { consumer: { maximumConcurrency: 1 } },
      "`tasklane:consumer.maximumConcurrency`",
    ],
  ])("rejects %s, naming the key and the stack", (_case, raw, message) => {
    const act = () => parseStackConfig({ owner: "me", ...raw }, dev);

    expect(act).toThrow(StackConfigError);
    expect(act).toThrow(message);
    expect(act).toThrow("stack `dev`");
  });

  it("lets only a dev stack open the API without auth", () => {
    expect(parseStackConfig({ owner: "me", api: { auth: "none" } }, dev).api.auth).toBe("none");
    const alarms = { email: "oncall@tasklane.io" };
    expect(() => parseStackConfig({ owner: "me", alarms, api: { auth: "none" } }, prod)).toThrow(
      "`tasklane:api.auth` is `none`, which only a dev stack may use",
    );
  });

  it("accepts large inputs kept exactly as long as a message can take to run", () => {
    const config = parseStackConfig(
      {
        owner: "me",
        queue: { retentionSeconds: 86_400, dlqRetentionSeconds: 172_800 },
        workflow: { executionTimeoutSeconds: 86_400 },
        storage: { payloadExpirationDays: 4 },
      },
      dev,
    );

    expect(payloadLifetimeNeededSeconds(config)).toBe(4 * 86_400);
  });

  it("lets only a dev stack alarm to nobody", () => {
    expect(parseStackConfig({ owner: "me" }, dev).alarms.email).toBeUndefined();
    expect(() => parseStackConfig({ owner: "me" }, prod)).toThrow(
      "stack `prod`: config key `tasklane:alarms.email` or `tasklane:alarms.topicArn` is required outside a dev stack",
    );
    expect(
      parseStackConfig(
        { owner: "me", alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:oncall" } },
        prod,
      ).alarms.topicArn,
    ).toBe("arn:aws:sns:us-east-1:123456789012:oncall");
  });

  it("lets only a dev stack force-destroy its buckets", () => {
    const alarms = { email: "oncall@tasklane.io" };
    expect(() =>
      parseStackConfig({ owner: "me", alarms, storage: { forceDestroy: true } }, prod),
    ).toThrow("`tasklane:storage.forceDestroy` may only be true in a dev stack");
  });
});

describe("stackConfigWarnings", () => {
  it.each([
    ["oncall@example.com", 1],
    ["oncall@team.example", 1],
    ["oncall@alerts.invalid", 1],
    ["oncall@tasklane.io", 0],
  ])("warns about an alarm address at a reserved domain: %s", (email, count) => {
    const config = parseStackConfig({ owner: "me", alarms: { email } }, prod);

    expect(stackConfigWarnings(config, prod)).toHaveLength(count);
  });
});

describe("runsFromBuild", () => {
  it("is false when the package runs from its TypeScript source, as in these tests", () => {
    expect(runsFromBuild()).toBe(false);
  });
});

describe("fromPulumiConfig", () => {
  it("decodes Pulumi's JSON-encoded values and drops other namespaces", () => {
    const raw = fromPulumiConfig(
      {
        "aws:region": "eu-west-1",
        "tasklane:owner": "data-team",
        "tasklane:queue": '{"maxReceiveCount":7,"fifo":true}',
      },
      "tasklane",
    );

    expect(raw).toEqual({ owner: "data-team", queue: { maxReceiveCount: 7, fifo: true } });
  });
});

describe("the Express workflow setting", () => {
  it("is auto by default, and off turns the check off", () => {
    const slow = {
      taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
    };

    expect(parseStackConfig({ owner: "me" }, dev).workflow.express).toBe("auto");
    expect(
      parseStackConfig({ owner: "me", workflow: { ...slow, express: "off" } }, dev).workflow,
    ).toMatchObject({ express: "off" });
  });

  it("builds both workflows from one set of bounds: the retries, a step's timeout, the execution's and the poll bound", () => {
    const config = parseStackConfig({ owner: "me", steps: { timeoutSeconds: 30 } }, dev);

    expect(workflowBounds(config)).toEqual({
      taskRetry: config.workflow.taskRetry,
      stepTimeoutSeconds: 35,
      executionTimeoutSeconds: 86_400,
      maxPolls: 1_000,
    });
  });
});

describe("readExpressWorkflow", () => {
  const bounds = {
    taskRetry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 5 },
  };
  const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:tasklane-dev-workflow-express";

  it("reads the Express machine and the bounds the consumer decides with", () => {
    const env = {
      [FUNCTION_ENV.expressStateMachineArn]: arn,
      [FUNCTION_ENV.workflowBounds]: JSON.stringify(bounds),
    };

    expect(readExpressWorkflow(env)).toEqual({ stateMachineArn: arn, bounds });
  });

  it("is undefined without the Express machine's ARN: every task runs on Standard", () => {
    expect(readExpressWorkflow({})).toBeUndefined();
    expect(readExpressWorkflow({ [FUNCTION_ENV.expressStateMachineArn]: "" })).toBeUndefined();
  });

  it.each([
    ["missing", undefined, "TASKLANE_WORKFLOW_BOUNDS is not set"],
    ["not JSON", "{", "TASKLANE_WORKFLOW_BOUNDS must be the JSON of the workflows' bounds"],
    ["out of range", JSON.stringify({ stepTimeoutSeconds: 0 }), "`stepTimeoutSeconds`"],
  ])("stops the function when the bounds are %s", (_case, value, message) => {
    const env = {
      [FUNCTION_ENV.expressStateMachineArn]: arn,
      ...(value === undefined ? {} : { [FUNCTION_ENV.workflowBounds]: value }),
    };

    expect(() => readExpressWorkflow(env)).toThrow(SettingsError);
    expect(() => readExpressWorkflow(env)).toThrow(message);
  });
});

describe("queueVisibilityTimeoutSeconds", () => {
  it("is six times the consumer timeout plus the batching window", () => {
    const config = parseStackConfig(
      { owner: "me", consumer: { timeoutSeconds: 30, batchingWindowSeconds: 5 } },
      dev,
    );

    expect(queueVisibilityTimeoutSeconds(config)).toBe(185);
  });
});

describe("functionSizing", () => {
  const config = parseStackConfig(
    {
      owner: "me",
      producer: { timeoutSeconds: 10, memoryMb: 256 },
      consumer: { timeoutSeconds: 30, memoryMb: 512 },
      steps: { timeoutSeconds: 60, memoryMb: 1024 },
    },
    dev,
  );

  it.each([
    ["api", { timeoutSeconds: 10, memoryMb: 256 }],
    ["schedule", { timeoutSeconds: 10, memoryMb: 256 }],
    ["queue", { timeoutSeconds: 30, memoryMb: 512 }],
    ["step", { timeoutSeconds: 60, memoryMb: 1024 }],
  ] as const)("sizes a %s function from its role's section", (role, sizing) => {
    expect(functionSizing(config, role)).toEqual(sizing);
  });
});

describe("resourceName", () => {
  it("is project, stack and component", () => {
    expect(resourceName(dev, "tasks", 80)).toBe("tasklane-dev-tasks");
    expect(resourceName(dev, "tasks", 80, ".fifo")).toBe("tasklane-dev-tasks.fifo");
  });

  it("cuts long names to the limit with a hash, so they stay unique", () => {
    const a = resourceName(
      { project: "tasklane", stack: "feature-very-long-branch-name-for-load-tests" },
      "check-task-status",
      64,
    );
    const b = resourceName(
      { project: "tasklane", stack: "feature-very-long-branch-name-for-load-tests" },
      "check-task-state",
      64,
    );

    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^tasklane-feature-very-long-[a-z0-9-]+-[0-9a-f]{7}$/);
  });
});
