import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  fromPulumiConfig,
  parseStackConfig,
  queueVisibilityTimeoutSeconds,
  readStackConfigFile,
  resourceName,
  StackConfigError,
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
    expect(() => parseStackConfig({ owner: "me", api: { auth: "none" } }, prod)).toThrow(
      "`tasklane:api.auth` is `none`, which only a dev stack may use",
    );
  });

  it("lets only a dev stack force-destroy its buckets", () => {
    expect(() => parseStackConfig({ owner: "me", storage: { forceDestroy: true } }, prod)).toThrow(
      "`tasklane:storage.forceDestroy` may only be true in a dev stack",
    );
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

describe("queueVisibilityTimeoutSeconds", () => {
  it("is six times the consumer timeout plus the batching window", () => {
    const config = parseStackConfig(
      { owner: "me", consumer: { timeoutSeconds: 30, batchingWindowSeconds: 5 } },
      dev,
    );

    expect(queueVisibilityTimeoutSeconds(config)).toBe(185);
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
