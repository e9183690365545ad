import { request } from "node:http";
import { type StandInAnswer, startStandInApi } from "@tasklane/test-support";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ConsoleServer,
  ConsoleServerError,
  type ConsoleTarget,
  startConsoleServer,
} from "../src/server/index.js";
import { pageCall, standInApp } from "./helpers/consoleClient.js";

const EXECUTE_API = "https://abc123.execute-api.eu-west-1.amazonaws.com/";
const CREDENTIALS = {
  accessKeyId: "AKIDCONSOLETEST",
  secretAccessKey: "console-test-secret-key",
  sessionToken: "console-test-session-token",
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  target: ConsoleTarget,
  extra: { fetch?: typeof fetch; appDir?: string } = {},
): Promise<ConsoleServer> {
  const server = await startConsoleServer({
    target,
    appDir: extra.appDir ?? (await standInApp()),
    ...(extra.fetch ? { fetch: extra.fetch } : {}),
  });
  cleanups.push(() => server.stop());
  return server;
}

/** A stand-in API, closed after the test; by default it lists no tasks. */
async function standIn(respond = (): StandInAnswer => ({ status: 200, body: { tasks: [] } })) {
  const api = await startStandInApi(respond);
  cleanups.push(() => api.close());
  return api;
}

/** A raw GET with a `Host` of our choosing, which fetch does not allow. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("startConsoleServer", () => {
  it.each(["0.0.0.0", "::", "192.168.1.20", "example.com"])(
    "refuses to listen on %s, which is not loopback",
    async (host) => {
      await expect(
        startConsoleServer({ target: { apiUrl: "http://127.0.0.1:3000" }, host }),
      ).rejects.toThrow(ConsoleServerError);
    },
  );

  it("listens on 127.0.0.1 and serves the page for every page path, with headers that keep it to itself", async () => {
    const server = await start({ apiUrl: "http://127.0.0.1:9" });

    const page = await fetch(new URL("/tasks/0193a5c2-6f1e-7d3a-9f00-3c1b2a4d5e6f", server.url));
    const script = await fetch(new URL("/app.js", server.url));
    const missing = await fetch(new URL("/nope.js", server.url));

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>console</title>");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(missing.status).toBe(404);
  });

  it("says how to build the page when it is not built", async () => {
    const server = await start({ apiUrl: "http://127.0.0.1:9" }, { appDir: "/nonexistent-app" });

    const answer = await fetch(server.url);

    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain("pnpm turbo run build --filter=@tasklane/console");
  });

  it("answers only at its own address: a rebound DNS name is refused", async () => {
    const server = await start({ apiUrl: "http://127.0.0.1:9" });

    expect(await getWithHost(server.url, "attacker.example:80")).toBe(421);
    expect(await getWithHost(server.url, `localhost:${server.port}`)).toBe(200);
  });

  it("refuses API calls that do not come from its own page", async () => {
    const api = await standIn();
    const server = await start({ apiUrl: api.url });

    const bare = await fetch(new URL("/api/tasks", server.url));
    const foreign = await pageCall(server.url, "/api/tasks", {
      headers: { origin: "https://attacker.example" },
    });
    const crossSite = await pageCall(server.url, "/console/dlq", {
      headers: { "sec-fetch-site": "cross-site" },
    });

    expect([bare.status, foreign.status, crossSite.status]).toEqual([403, 403, 403]);
    expect(api.requests).toEqual([]);
  });
});

describe("the API behind /api", () => {
  it("passes a call on to the local API unsigned, with its query, body and the headers it needs", async () => {
    // Prepare
    const api = await standIn(() => ({
      status: 202,
      body: { id: "t-1", type: "echo", status: "queued" },
      headers: { location: "/tasks/t-1", "set-cookie": "session=1" },
    }));
    const server = await start({ apiUrl: api.url });

    // Act
    const answer = await pageCall(server.url, "/api/tasks?since=1h", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": "key-1",
        cookie: "mine=1",
        authorization: "Bearer from-the-page",
      },
      body: JSON.stringify({ type: "echo", input: { hello: "world" } }),
    });

    // Assess
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ id: "t-1", type: "echo", status: "queued" });
    expect(answer.headers.get("location")).toBe("/tasks/t-1");
    expect(answer.headers.get("set-cookie")).toBeNull();
    const [received] = api.requests;
    expect(received).toMatchObject({
      method: "POST",
      url: "/tasks?since=1h",
      body: '{"type":"echo","input":{"hello":"world"}}',
    });
    expect(received?.headers["idempotency-key"]).toBe("key-1");
    expect(received?.headers.cookie).toBeUndefined();
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.headers["x-tasklane-console"]).toBeUndefined();
  });

  it("signs each call to a deployed API with SigV4, and the credentials never reach the page", async () => {
    const api = await standIn(() => ({ status: 200, body: { types: [] } }));
    const server = await start(
      { apiUrl: EXECUTE_API, credentials: CREDENTIALS },
      { fetch: api.fetch },
    );

    const answer = await pageCall(server.url, "/api/task-types");
    const text = await answer.text();

    expect(answer.status).toBe(200);
    const [received] = api.requests;
    expect(received?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDCONSOLETEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(received?.headers["x-amz-security-token"]).toBe(CREDENTIALS.sessionToken);
    const shown = `${text} ${JSON.stringify([...answer.headers])}`;
    for (const secret of Object.values(CREDENTIALS)) expect(shown).not.toContain(secret);
  });

  it("forwards only the API's routes, and says so for others", async () => {
    const api = await standIn();
    const server = await start({ apiUrl: api.url });

    const unknown = await pageCall(server.url, "/api/admin/users");
    const wrongMethod = await pageCall(server.url, "/api/task-types", { method: "DELETE" });

    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain("/admin/users");
    expect(wrongMethod.status).toBe(405);
    expect(api.requests).toEqual([]);
  });

  it("answers 502 with the reason when the API does not answer", async () => {
    const server = await start({ apiUrl: "http://127.0.0.1:9" });

    const answer = await pageCall(server.url, "/api/tasks");

    expect(answer.status).toBe(502);
    expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(
      /calling the Tasklane API failed/,
    );
  });

  it("cannot be started for a deployed API whose region it cannot tell", async () => {
    await expect(
      startConsoleServer({ target: { apiUrl: "https://tasks.example.com/" } }),
    ).rejects.toThrow(/target\.region/);
  });
});
