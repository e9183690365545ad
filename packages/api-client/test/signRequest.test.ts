import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTasklaneClient, regionOfApiUrl, TasklaneApiError } from "../src/index.js";

// A real HTTP server stands in for the API, so the client's requests go over the wire.
let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
let respond: (url: string) => { status: number; type: string; body: unknown } = () => ({
  status: 200,
  type: "application/json",
  body: {},
});
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    const answer = respond(req.url ?? "");
    res.writeHead(answer.status, { "content-type": answer.type });
    res.end(JSON.stringify(answer.body));
  });
});
let apiUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = async () => ({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "secret",
  sessionToken: "token",
});

describe("SigV4 signing", () => {
  it("signs each request for execute-api in the given region, body included", async () => {
    seen = [];
    respond = () => ({
      status: 202,
      type: "application/json",
      body: { id: "x", type: "echo", status: "queued" },
    });
    const api = createTasklaneClient({ apiUrl, sigv4: { region: "eu-west-1", credentials } });

    await api.submitTask({ type: "echo", input: { a: 1 } }, { idempotencyKey: "k-1" });

    const headers = seen[0]?.headers ?? {};
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*idempotency-key[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers["x-amz-security-token"]).toBe("token");
    expect(headers["x-amz-content-sha256"] ?? headers["x-amz-date"]).toBeDefined();
    expect(seen[0]?.body).toBe('{"type":"echo","input":{"a":1}}');
  });

  it("reads the region from an execute-api URL", () => {
    expect(
      regionOfApiUrl(new URL("https://abc123.execute-api.ap-southeast-2.amazonaws.com/")),
    ).toBe("ap-southeast-2");
    expect(() =>
      createTasklaneClient({ apiUrl: "http://localhost:3000", sigv4: { credentials } }),
    ).toThrow("cannot tell the region");
  });

  it("sends no signature to an API without auth", async () => {
    seen = [];
    respond = () => ({ status: 200, type: "application/json", body: { types: [] } });

    await createTasklaneClient({ apiUrl }).listTaskTypes();

    expect(seen[0]?.headers.authorization).toBeUndefined();
  });
});

describe("errors", () => {
  it("become TasklaneApiError carrying the problem details", async () => {
    respond = () => ({
      status: 422,
      type: "application/problem+json",
      body: { type: "t", title: "Invalid", status: 422, detail: "`input.text`: expected string" },
    });

    const failure = createTasklaneClient({ apiUrl }).submitTask({ type: "word-count", input: {} });

    await expect(failure).rejects.toBeInstanceOf(TasklaneApiError);
    await expect(failure).rejects.toMatchObject({
      status: 422,
      message: "`input.text`: expected string",
    });
  });
});
