import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type RecordedRequest,
  type StandInAnswer,
  type StandInApi,
  startStandInApi,
} from "@tasklane/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveTarget } from "../src/index.js";
import { tasklane } from "./helpers/runTasklane.js";

const EXECUTE_API = "https://abc123defg.execute-api.eu-west-1.amazonaws.com/";
/** What the stand-in API answers unless a test says otherwise: an empty task catalog. */
const emptyCatalog = (): StandInAnswer => ({ status: 200, body: { types: [] } });
let server: StandInApi;
let dir: string;

beforeAll(async () => {
  server = await startStandInApi(emptyCatalog);
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tasklane-targets-"));
  server.requests.length = 0;
  // Signing reads the standard AWS credential chain, which starts with these.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A discovery file as a running `pnpm dev` writes it, in `root`. */
async function announceLocalRuntime(root: string, fields: { pid: number; apiUrl: string }) {
  await mkdir(join(root, ".tasklane"), { recursive: true });
  await writeFile(
    join(root, ".tasklane/local-runtime.json"),
    JSON.stringify({
      pid: fields.pid,
      startedAt: new Date().toISOString(),
      stack: "dev",
      region: "us-east-1",
      apiUrl: fields.apiUrl,
      fauxqsUrl: "http://127.0.0.1:1",
      stepFunctionsUrl: "http://127.0.0.1:2",
      queueUrl: "http://sqs.us-east-1.localhost:1/000000000000/tasklane-dev-tasks",
      dlqUrl: "http://sqs.us-east-1.localhost:1/000000000000/tasklane-dev-tasks-dlq",
      buckets: { payloads: "p", results: "r" },
      stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:tasklane-dev-workflow",
    }),
  );
}

function signed(request: RecordedRequest | undefined) {
  return request?.headers.authorization?.startsWith("AWS4-HMAC-SHA256 ") === true;
}

describe("with no flags, the local runtime", () => {
  it("is found through the discovery file `pnpm dev` writes, and is not signed", async () => {
    await announceLocalRuntime(dir, { pid: process.pid, apiUrl: server.url });

    const run = await tasklane(["types", "--json"], { repoRoot: dir });

    expect(run.code).toBe(0);
    expect(run.json()).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: "GET", url: "/task-types" });
    expect(signed(server.requests[0])).toBe(false);
  });

  it("is found from the workspace around the current folder", async () => {
    await writeFile(join(dir, "pnpm-workspace.yaml"), "packages: []\n");
    await mkdir(join(dir, "apps/x"), { recursive: true });
    await announceLocalRuntime(dir, { pid: process.pid, apiUrl: server.url });

    const run = await tasklane(["types"], { cwd: join(dir, "apps/x"), repoRoot: undefined });

    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("is not there when the file was left by a process that is gone: exit 3, and how to start one", async () => {
    await announceLocalRuntime(dir, { pid: 2 ** 22 + 12_345, apiUrl: server.url });

    const run = await tasklane(["status", "01a21155-755f-735f-90b5-bef6ec710569"], {
      repoRoot: dir,
    });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain("tasklane: no Tasklane to talk to: no local runtime is running");
    expect(run.stderr).toContain("fix: start the local runtime with `pnpm dev`");
    expect(run.stderr).toContain("--stack-outputs <file>");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(0);
  });
});

describe("--api-url and TASKLANE_API_URL", () => {
  it("beat the local runtime, the flag beating the variable", async () => {
    const other = await startStandInApi(emptyCatalog);
    try {
      await announceLocalRuntime(dir, { pid: process.pid, apiUrl: other.url });

      const byEnv = await tasklane(["types"], {
        repoRoot: dir,
        env: { TASKLANE_API_URL: server.url },
      });
      const byFlag = await tasklane(["types", "--api-url", server.url], {
        repoRoot: dir,
        env: { TASKLANE_API_URL: "http://127.0.0.1:9" },
      });

      expect([byEnv.code, byFlag.code]).toEqual([0, 0]);
      expect(server.requests).toHaveLength(2);
      expect(other.requests).toHaveLength(0);
      expect(server.requests.some(signed)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it("sign requests to an execute-api URL with SigV4, for its region, from the credential chain", async () => {
    const run = await tasklane(["types", "--api-url", EXECUTE_API], { fetch: server.fetch });

    expect(run.code).toBe(0);
    const [request] = server.requests;
    expect(request?.headers["x-original-host"]).toBe(
      "abc123defg.execute-api.eu-west-1.amazonaws.com",
    );
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it("are signed for a custom domain with --sigv4 and --region", async () => {
    const run = await tasklane(
      ["types", "--api-url", "https://tasks.example.com/", "--sigv4", "--region", "ap-southeast-2"],
      { fetch: server.fetch },
    );

    expect(run.code).toBe(0);
    expect(server.requests[0]?.headers.authorization).toContain(
      "/ap-southeast-2/execute-api/aws4_request",
    );
  });

  it("that do not answer give exit 3, naming the URL and the fix, with no stack trace", async () => {
    const closed = await startStandInApi(emptyCatalog);
    await closed.close();

    const run = await tasklane(["list", "--api-url", closed.url]);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`tasklane: cannot reach the API at ${closed.url} (ECONNREFUSED)`);
    expect(run.stderr).toContain("fix: check --api-url / TASKLANE_API_URL");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("queue URLs alone", () => {
  it("cannot serve an API command: exit 3, naming the queue that was given and how to add the API", async () => {
    const queueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/tasklane-prod-tasks";

    const run = await tasklane(["status", "01a22ea0-fdee-7068-a88c-dbd76a5c10cf"], {
      env: { TASKLANE_QUEUE_URL: queueUrl },
    });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`the queue at ${queueUrl} names no API URL`);
    expect(run.stderr).toContain(
      "fix: give it with --api-url <url> / TASKLANE_API_URL, or the whole stack with --stack-outputs <file>",
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe("--stack-outputs", () => {
  async function outputsFile(outputs: Record<string, unknown>): Promise<string> {
    const path = join(dir, "dev.json");
    await writeFile(path, JSON.stringify(outputs));
    return path;
  }

  it("reads `pulumi stack output --json`, and signs every API request", async () => {
    const file = await outputsFile({
      apiUrl: EXECUTE_API,
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/tasklane-dev-tasks",
      deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/tasklane-dev-tasks-dlq",
      stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:tasklane-dev-workflow",
    });

    const run = await tasklane(["--stack-outputs", file, "types"], { fetch: server.fetch });
    const target = await resolveTarget(
      { stackOutputs: file },
      { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: dir },
    );

    expect(run.code).toBe(0);
    expect(signed(server.requests[0])).toBe(true);
    expect(target).toMatchObject({
      source: "stack-outputs",
      apiUrl: EXECUTE_API,
      dlqUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/tasklane-dev-tasks-dlq",
      region: "eu-west-1",
      signApi: true,
    });
    // Real SQS: the SDK's own endpoint and credential chain, no emulator.
    expect(target.sqsEndpoint).toBeUndefined();
  });

  it("takes the region from the queue URLs when the API's URL has none", async () => {
    const file = await outputsFile({
      apiUrl: "https://tasks.example.com/",
      dlqUrl: "https://sqs.ca-central-1.amazonaws.com/123456789012/tasklane-prod-tasks-dlq",
    });

    const run = await tasklane(["types", "--stack-outputs", file], { fetch: server.fetch });

    expect(run.code).toBe(0);
    expect(server.requests[0]?.headers.authorization).toContain("/ca-central-1/execute-api/");
  });

  it("cannot be combined with --api-url (exit 2)", async () => {
    const file = await outputsFile({ apiUrl: EXECUTE_API });

    const run = await tasklane(["types", "--stack-outputs", file, "--api-url", server.url]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot be combined with --api-url");
  });

  it("that cannot be read give exit 3 and how to write one", async () => {
    const run = await tasklane(["types", "--stack-outputs", "nowhere.json"], { cwd: dir });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain("cannot read the stack outputs file");
    expect(run.stderr).toContain("pulumi stack output --json");
  });
});

describe("signing without AWS credentials", () => {
  it("gives exit 3 and how to sign in, before anything is sent", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    vi.stubEnv("AWS_PROFILE", "tasklane-cli-test-no-such-profile");
    vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-config"));
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");

    const run = await tasklane(["types", "--api-url", EXECUTE_API], { fetch: server.fetch });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain("tasklane: no valid AWS credentials for the API at");
    expect(run.stderr).toContain("fix: sign in to AWS the usual way (`aws sso login`, AWS_PROFILE");
    expect(server.requests).toHaveLength(0);
  });
});

describe("an API that refuses", () => {
  it("gives exit 4 with the problem's detail and, for a signed request, what to check", async () => {
    const refusing = await startStandInApi(() => ({
      status: 403,
      body: { message: "The security token included in the request is invalid." },
    }));
    try {
      const run = await tasklane(["types", "--api-url", EXECUTE_API, "--json"], {
        fetch: refusing.fetch,
      });

      expect(run.code).toBe(4);
      expect(run.stderr).toContain(
        "the API refused the request (403): The security token included",
      );
      expect(run.stderr).toContain("execute-api:Invoke");
      expect(run.json()).toMatchObject({
        error: { exitCode: 4, fix: expect.stringContaining("credentials") },
      });
    } finally {
      await refusing.close();
    }
  });
});
