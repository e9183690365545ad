import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { FUNCTION_ENV, FUNCTIONS } from "@tasklane/stack-config";
import { waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BundlesMissingError,
  type ExecutionTransition,
  type LocalRuntime,
  type LocalRuntimeEvent,
  RuntimeLog,
  startLocalRuntime,
} from "../src/index.js";
import { stackConfig } from "./helpers/stackConfigs.js";

const REPO_ROOT = findRepoRoot(process.cwd());

/** Submits a task through the API and waits until the API says it has finished. */
async function runTask(runtime: LocalRuntime, type: string, input: unknown, timeoutMs = 15_000) {
  const submitted = await fetch(`${runtime.apiUrl}/tasks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type, input }),
  });
  expect(submitted.status).toBe(202);
  const { id } = (await submitted.json()) as { id: string };
  return waitFor(
    async () => {
      const view = (await (await fetch(`${runtime.apiUrl}/tasks/${id}`)).json()) as {
        status: string;
      };
      return ["succeeded", "failed", "cancelled"].includes(view.status)
        ? (view as {
            id: string;
            status: string;
            attempts: number;
            output?: unknown;
            error?: unknown;
          })
        : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `task ${id} (${type}) to finish` },
  );
}

describe("the local runtime, running the built handler bundles", () => {
  let runtime: LocalRuntime;
  const events: LocalRuntimeEvent[] = [];
  const envBefore = process.env[FUNCTION_ENV.queueUrl];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      handlerLogLevel: "SILENT",
      onEvent: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await runtime.stop();
  });

  it("runs `echo` and `word-count` from POST /tasks to succeeded with their output", async () => {
    // Act
    const [echo, words] = await Promise.all([
      runTask(runtime, "echo", { hello: "world" }),
      runTask(runtime, "word-count", { text: "one two\nthree" }),
    ]);

    // Assess
    expect(echo).toMatchObject({ status: "succeeded", attempts: 1, output: { hello: "world" } });
    expect(words).toMatchObject({
      status: "succeeded",
      output: { words: 3, lines: 2, characters: 13 },
    });
  });

  it("ends `fail` failed after one attempt, with the task's error", async () => {
    // Act
    const view = await runTask(runtime, "fail", { reason: "on purpose" });

    // Assess
    expect(view).toMatchObject({ status: "failed", attempts: 1 });
    expect(JSON.stringify(view.error)).toContain("on purpose");
  });

  it("answers an unknown route through the catalog function's $default route", async () => {
    // Act
    const response = await fetch(`${runtime.apiUrl}/no/such/route`);

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("reports each task's transitions, which the log prints one line each", async () => {
    // Prepare
    const view = await runTask(runtime, "echo", { logged: true });
    const mine = (
      e: LocalRuntimeEvent,
    ): e is { kind: "transition"; transition: ExecutionTransition } =>
      e.kind === "transition" && e.transition.executionName.startsWith(view.id);
    await waitFor(() =>
      events.some((e) => mine(e) && e.transition.type === "ExecutionSucceeded") ? true : undefined,
    );

    // Act
    const log = new RuntimeLog();
    const lines = events
      .filter(mine)
      .map((e) => log.format(e))
      .filter((line) => line !== undefined);

    // Assess
    const suffix = view.id.slice(-8);
    expect(lines.map((line) => line.replace(/^\S+\s+/, ""))).toEqual([
      `task ${suffix}  echo        started: ${view.id} generation 1`,
      `task ${suffix}  echo        → CreateTask`,
      `task ${suffix}  echo        → TaskCompleted`,
      expect.stringMatching(new RegExp(`^task ${suffix}  echo {8}succeeded in \\d+ ms$`)),
    ]);
    expect(events.some((e) => e.kind === "request" && e.request.statusCode === 202)).toBe(true);
  });

  it("creates the queue, DLQ and buckets the stack config describes", async () => {
    // Prepare
    const config = stackConfig("dev");

    // Act
    const queue = runtime.fauxqs.inspectQueue("tasklane-dev-tasks");
    const dlq = runtime.fauxqs.inspectQueue("tasklane-dev-tasks-dlq");

    // Assess
    expect(queue?.attributes).toMatchObject({
      VisibilityTimeout: String(
        6 * config.consumer.timeoutSeconds + config.consumer.batchingWindowSeconds,
      ),
      MessageRetentionPeriod: String(config.queue.retentionSeconds),
      MaximumMessageSize: String(config.queue.maxMessageBytes),
    });
    expect(JSON.parse(queue?.attributes.RedrivePolicy ?? "{}")).toMatchObject({
      deadLetterTargetArn: dlq?.arn,
      maxReceiveCount: config.queue.maxReceiveCount,
    });
    expect(dlq?.attributes.MessageRetentionPeriod).toBe(String(config.queue.dlqRetentionSeconds));
    expect(runtime.buckets).toEqual({
      payloads: "tasklane-dev-payloads",
      results: "tasklane-dev-results",
    });
    expect(runtime.env[FUNCTION_ENV.queueUrl]).toBe(runtime.queueUrl);
    expect(runtime.definition.States.CreateTask).toMatchObject({
      Resource: "arn:aws:lambda:us-east-1:000000000000:function:tasklane-dev-create-task",
    });
    expect([...runtime.functions.keys()]).toEqual(FUNCTIONS.map((f) => f.name));
    expect(runtime.functions.get("ingest")?.timeoutSeconds).toBe(
      stackConfig("dev").producer.timeoutSeconds,
    );
  });

  it("puts process.env back as it was when it stops; a function timeout override is its own", async () => {
    // Prepare
    const second = await startLocalRuntime({
      port: 0,
      handlerLogLevel: "SILENT",
      testOverrides: { functionTimeoutSeconds: 45 },
    });
    const during = process.env.AWS_ENDPOINT_URL_SFN;
    expect([...second.functions.values()].map((fn) => fn.timeoutSeconds)).toEqual(
      FUNCTIONS.map(() => 45),
    );
    expect(runtime.functions.get("ingest")?.timeoutSeconds).toBe(
      stackConfig("dev").producer.timeoutSeconds,
    );

    // Act
    await second.stop();

    // Assess
    expect(during).toBe(second.stepFunctions.url);
    expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(runtime.stepFunctions.url);
    expect(envBefore).toBeUndefined();
  });
});

describe("the local runtime while Step Functions is down", () => {
  let runtime: LocalRuntime;
  const batches: LocalRuntimeEvent[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      handlerLogLevel: "SILENT",
      // Redeliveries after 2 s instead of the stack's 3 minutes.
      testOverrides: { visibilityTimeoutSeconds: 2 },
      onEvent: (event) => {
        if (event.kind === "batch") batches.push(event);
      },
    });
  });

  afterAll(async () => {
    await runtime.stop();
  });

  it("keeps the task in the queue while the endpoint is unavailable, then runs it once it is back", async () => {
    // Prepare
    runtime.stepFunctions.setOutage("unavailable");

    // Act
    const finished = runTask(runtime, "echo", { patient: true }, 20_000);
    await waitFor(
      () => (batches.some((e) => e.kind === "batch" && e.batch.failed > 0) ? true : undefined),
      { what: "a failed batch" },
    );
    runtime.stepFunctions.setOutage(undefined);
    const view = await finished;

    // Assess
    expect(view).toMatchObject({ status: "succeeded", output: { patient: true } });
    expect(runtime.fauxqs.inspectQueue("tasklane-dev-tasks-dlq")?.messages.ready).toHaveLength(0);
  });
});

describe("the local runtime, building the handlers from source", () => {
  it("runs a task through handlers esbuild built from the TypeScript sources", async () => {
    // Prepare
    const runtime = await startLocalRuntime({
      port: 0,
      handlers: "source",
      handlerLogLevel: "SILENT",
    });

    try {
      // Act
      const view = await runTask(runtime, "echo", { from: "source" });

      // Assess
      expect(view).toMatchObject({ status: "succeeded", output: { from: "source" } });
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});

describe("the local runtime without bundles", () => {
  it("says which bundles are missing and to run pnpm build", async () => {
    // Prepare
    const bare = await mkdtemp(join(tmpdir(), "tasklane-bare-"));
    await copyFile(join(REPO_ROOT, "Pulumi.dev.yaml"), join(bare, "Pulumi.dev.yaml"));

    try {
      // Act
      const error = await startLocalRuntime({ repoRoot: bare, port: 0 }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(BundlesMissingError);
      expect((error as Error).message).toContain("run `pnpm build`");
      expect((error as BundlesMissingError).missing).toContain(
        "apps/producer/dist/ingest/index.mjs",
      );
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
