import { IDEMPOTENCY_KEY_MAX_LENGTH } from "@tasklane/shared-task";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { createHttpHandler } from "../src/httpHandler.js";
import { header, readJsonBody } from "../src/httpRequest.js";
import { isWellFormed } from "../src/jsonBodyBounds.js";
import { HttpProblem, problems } from "../src/problem.js";
import { taskContracts } from "../src/taskContracts.js";
import { validateSubmission } from "../src/validateSubmission.js";
import { type ApiHandler, apiEvent, lambdaContext } from "./helpers/apiEvents.js";

/**
 * Invariant 3 under fuzzing: a thousand bad `POST /tasks` requests, generated from a fixed seed
 * so every run sends the same ones, go from raw body to problem document. None may be accepted
 * or answer 5xx; each must be a 4xx problem document.
 *
 * They go through the API's real HTTP handler wrapper (`createHttpHandler`, which turns any
 * error into a problem, and anything unexpected into a 500) and the checks `POST /tasks` makes
 * before it writes anything: `readJsonBody`, then `validateSubmission` against the producer's
 * task contracts, with the same problems. Past those checks the ingest handler stores the task;
 * here a request that gets that far is answered 202 instead, which fails the test. The storage
 * behind the ingest handler is left out so this runs without emulators, and without depending
 * on how tasks are stored.
 */

const MAX_BODY_BYTES = 262_144;
const RUNS = 1_000;
const SEED = 20_260_301;

/** `POST /tasks` up to the point where the ingest handler would store the task. */
function ingestChecks(): { handler: ApiHandler; accepted: () => number } {
  let accepted = 0;
  const handler = createHttpHandler("tasklane-ingest-fuzz", {
    "POST /tasks": async (event) => {
      const body = readJsonBody(event, MAX_BODY_BYTES);
      const check = validateSubmission(body, taskContracts, {
        idempotencyKey: header(event, "idempotency-key"),
      });
      if (!check.ok) {
        throw new HttpProblem(
          check.status === 400
            ? problems.badRequest(check.errors.map((e) => e.message).join("; "), check.errors)
            : problems.validation(check.errors),
        );
      }
      accepted += 1;
      return { statusCode: 202, body: JSON.stringify({ type: check.submission.type }) };
    },
  });
  return { handler, accepted: () => accepted };
}

/** One bad request, and what its answer must be when that is known. */
interface BadRequest {
  kind: string;
  /** The body: text, or bytes sent base64-encoded as API Gateway sends binary bodies. */
  body: string | Uint8Array;
  /** Headers; `content-type` defaults to `application/json`, `null` leaves it out. */
  contentType?: string | null;
  idempotencyKey?: string;
  status?: number;
  /** A field path the problem's `errors` must name. */
  path?: string;
  /** Text the problem's detail or errors must contain. */
  says?: string;
}

const json = JSON.stringify;
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const KNOWN_TYPES = ["echo", "word-count", "sleep", "flaky", "fail"];
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const smallJson = fc.jsonValue({ maxDepth: 3, stringUnit: "grapheme" });

/** Submissions the API accepts as they are, to be spoiled on the way. */
const validSubmission: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  smallJson.map((input) => ({ type: "echo", input })),
  text.map((t) => ({ type: "word-count", input: { text: t } })),
  fc.integer({ min: 0, max: 100 }).map((seconds) => ({ type: "sleep", input: { seconds } })),
  fc.integer({ min: 0, max: 10 }).map((failures) => ({ type: "flaky", input: { failures } })),
  fc.constant({ type: "fail", input: {} }),
);

const deepNesting: fc.Arbitrary<BadRequest> = fc
  .record({
    depth: fc.oneof(
      fc.integer({ min: 65, max: 70 }),
      fc.constant(5_000),
      fc.integer({ min: 71, max: 40_000 }),
    ),
    shape: fc.constantFrom("arrays", "objects", "mixed"),
    inInput: fc.boolean(),
  })
  .map(({ depth, shape, inInput }) => {
    const opens: string[] = [];
    const closes: string[] = [];
    for (let level = 0; level < depth; level += 1) {
      const array = shape === "arrays" || (shape === "mixed" && level % 2 === 0);
      opens.push(array ? "[" : '{"a":');
      closes.push(array ? "]" : "}");
    }
    const nested = `${opens.join("")}1${closes.reverse().join("")}`;
    return {
      kind: "deep nesting",
      body: inInput ? `{"type":"echo","input":${nested}}` : nested,
      status: 400,
      says: "nested deeper than 64 levels",
    };
  });

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => `\\u${u.toString(16)}`);
const loneSurrogate: fc.Arbitrary<BadRequest> = fc
  .record({
    unit: surrogate,
    before: fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
    where: fc.constantFrom("value", "key", "type", "array", "top-level key"),
  })
  .map(({ unit, before, where }) => {
    const escaped = json(before).slice(1, -1);
    const bad = `"${escaped}${unit}"`;
    const cases: Record<string, [string, string]> = {
      value: [`{"type":"echo","input":{"k":${bad}}}`, "input.k"],
      // A lone surrogate in a key is shown as its escape, so the answer is well-formed itself.
      key: [`{"type":"echo","input":{"ok":1,${bad}:2}}`, `input.${before}${unit}`],
      type: [`{"type":${bad},"input":{}}`, "type"],
      array: [`{"type":"echo","input":{"list":[1,"x",${bad}]}}`, "input.list[2]"],
      "top-level key": [`{${bad}:1,"type":"echo","input":{}}`, `${before}${unit}`],
    };
    const [body, path] = cases[where] as [string, string];
    return { kind: "lone surrogate", body, status: 400, says: "is not well-formed Unicode", path };
  });

const truncatedJson: fc.Arbitrary<BadRequest> = fc
  .tuple(validSubmission, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
  .map(([submission, cut]) => {
    const full = json(submission);
    return {
      kind: "truncated JSON",
      body: full.slice(0, Math.floor(cut * full.length)),
      status: 400,
    };
  });

const wrongContentType: fc.Arbitrary<BadRequest> = fc
  .tuple(
    validSubmission,
    fc.constantFrom(
      null,
      "",
      "text/plain",
      "text/plain; charset=utf-8",
      "text/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/octet-stream",
      "application/json-seq",
      "application/jsonx",
      "json",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
    ),
  )
  .map(([submission, contentType]) => ({
    kind: "wrong content type",
    body: json(submission),
    contentType,
    status: 415,
  }));

const hugeNumber: fc.Arbitrary<BadRequest> = fc.oneof(
  // Past a double's range: JSON.parse makes it Infinity.
  fc
    .constantFrom("1e400", "-1e999", `1${"0".repeat(400)}`, "2e308")
    .map((n) => ({ kind: "huge number", body: `{"type":"echo","input":{"n":${n}}}`, status: 400 })),
  // Finite, but far over what the field allows.
  fc
    .constantFrom("1e300", "123456789012345678901234567890", "9007199254740993", "1e21")
    .chain((n) =>
      fc.constantFrom(
        `{"type":"sleep","input":{"seconds":${n}}}`,
        `{"type":"flaky","input":{"failures":${n}}}`,
        `{"type":"word-count","input":{"text":${n}}}`,
      ),
    )
    .map((body) => ({ kind: "huge number", body, status: 422 })),
);

const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
];
const prototypeKey: fc.Arbitrary<BadRequest> = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.integer({ min: 0, max: 4 }))
  .map(([key, form]) => {
    const k = json(key);
    const bodies = [
      `{"type":"echo","input":{},${k}:{"polluted":true}}`,
      `{${k}:{"type":"echo","input":{}}}`,
      `{"type":${k},"input":{}}`,
      `{"type":"word-count","input":{${k}:{"text":"hi"}}}`,
      `{"type":"sleep","input":{${k}:{"seconds":1}}}`,
    ];
    return { kind: "prototype key", body: bodies[form] as string, status: 422 };
  });

const unknownType: fc.Arbitrary<BadRequest> = fc
  .oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc.constantFrom("Echo", "echo ", " echo", "ECHO", "word_count", "wordcount", "sleep\u0000"),
  )
  .filter((type) => !KNOWN_TYPES.includes(type))
  .map((type) => ({
    kind: "unknown type",
    body: json({ type, input: {} }),
    status: 422,
    path: "type",
  }));

const notJson = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(smallJson, { maxLength: 3 }),
  fc.dictionary(text, smallJson, { maxKeys: 3 }),
);
const schemaViolation: fc.Arbitrary<BadRequest> = fc
  .oneof(
    notJson
      .filter((v) => typeof v !== "string")
      .map((t) => ({ type: "word-count", input: { text: t }, path: "input.text" })),
    fc
      .oneof(fc.integer({ max: -1 }), fc.double({ min: 0.1, max: 1e6, noInteger: true }))
      .map((seconds) => ({ type: "sleep", input: { seconds }, path: "input.seconds" })),
    fc
      .integer({ min: 82_801 })
      .map((seconds) => ({ type: "sleep", input: { seconds }, path: "input.seconds" })),
    fc
      .oneof(fc.integer({ min: 11 }), fc.integer({ max: -1 }), fc.constant("3"))
      .map((failures) => ({ type: "flaky", input: { failures }, path: "input.failures" })),
    fc
      .string({ minLength: 1001, maxLength: 1100 })
      .map((reason) => ({ type: "fail", input: { reason }, path: "input.reason" })),
    fc
      .constantFrom("word-count", "sleep", "flaky", "echo")
      .map((type) => ({ type, path: "input" })),
    notJson.filter((v) => typeof v !== "string").map((type) => ({ type, input: {}, path: "type" })),
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== "type" && k !== "input"),
        smallJson,
      )
      .map(([key, value]) => ({ type: "echo", input: {}, [key]: value })),
  )
  .map(({ path, ...body }) => ({
    kind: "schema violation",
    body: json(body),
    status: 422,
    ...(typeof path === "string" ? { path } : {}),
  }));

const nonObjectBody: fc.Arbitrary<BadRequest> = fc
  .oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    text,
    fc.array(validSubmission, { maxLength: 3 }),
  )
  .map((value) => ({ kind: "non-object body", body: json(value), status: 422 }));

const byteOrderMark: fc.Arbitrary<BadRequest> = fc
  .tuple(validSubmission, fc.constantFrom("utf-8 bytes", "utf-8 text", "utf-16le", "utf-16be"))
  .map(([submission, encoding]) => {
    const body = json(submission);
    if (encoding === "utf-8 text") return { kind: "BOM", body: `\ufeff${body}`, status: 400 };
    if (encoding === "utf-8 bytes") {
      return {
        kind: "BOM",
        body: concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(body)),
        status: 400,
      };
    }
    const le = Buffer.from(body, "utf16le");
    const units = encoding === "utf-16le" ? le : Buffer.from(le).swap16();
    const bom = encoding === "utf-16le" ? Uint8Array.of(0xff, 0xfe) : Uint8Array.of(0xfe, 0xff);
    return { kind: "BOM", body: concat(bom, units), status: 400 };
  });

const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc3, 0x28],
  [0xe2, 0x82],
];
const invalidUtf8: fc.Arbitrary<BadRequest> = fc
  .tuple(
    fc.constantFrom(...INVALID_UTF8),
    fc.constantFrom("echo", "word-count", "end"),
    fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
  )
  .map(([bad, where, around]) => {
    const a = json(around).slice(1, -1);
    const bytes = Uint8Array.from(bad);
    const [head, tail] =
      where === "echo"
        ? [`{"type":"echo","input":{"s":"${a}`, `${a}"}}`]
        : where === "word-count"
          ? [`{"type":"word-count","input":{"text":"${a}`, '"}}']
          : [`{"type":"echo","input":{"s":"${a}"}}`, ""];
    return { kind: "invalid UTF-8", body: concat(utf8(head), bytes, utf8(tail)), status: 400 };
  });

const duplicateKeys: fc.Arbitrary<BadRequest> = fc
  .oneof(
    fc.constant('{"type":"echo","input":{},"type":"no-such-type"}'),
    fc.constant('{"type":"word-count","input":{"text":"ok"},"input":{"text":5}}'),
    fc.constant('{"type":"sleep","input":{"seconds":1,"seconds":-1}}'),
    fc.constant('{"type":"echo","type":"","input":{}}'),
    fc
      .integer({ min: 11, max: 1_000 })
      .map((n) => `{"type":"flaky","input":{"failures":0},"input":{"failures":${n}}}`),
  )
  .map((body) => ({ kind: "duplicate keys", body, status: 422 }));

const oversizeBody: fc.Arbitrary<BadRequest> = fc
  .tuple(fc.integer({ min: 1, max: 50_000 }), fc.boolean())
  .map(([extra, binary]) => {
    const body = json({ type: "echo", input: { pad: "x".repeat(MAX_BODY_BYTES + extra) } });
    return {
      kind: "oversize body",
      body: binary ? utf8(body) : body,
      status: 413,
      says: `the limit is ${MAX_BODY_BYTES} bytes`,
    };
  });

const badIdempotencyKey: fc.Arbitrary<BadRequest> = fc
  .tuple(
    validSubmission,
    fc.constantFrom(
      "has spaces",
      "tab\there",
      "ключ",
      "emoji-😀",
      "x".repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1),
    ),
  )
  .map(([submission, key]) => ({
    kind: "bad Idempotency-Key",
    body: json(submission),
    idempotencyKey: key,
    status: 400,
  }));

const garbage: fc.Arbitrary<BadRequest> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }).map((body) => ({ kind: "garbage", body })),
  fc.uint8Array({ maxLength: 200 }).map((body) => ({ kind: "garbage", body })),
);

const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  deepNesting,
  loneSurrogate,
  truncatedJson,
  wrongContentType,
  hugeNumber,
  prototypeKey,
  unknownType,
  schemaViolation,
  nonObjectBody,
  byteOrderMark,
  invalidUtf8,
  duplicateKeys,
  oversizeBody,
  badIdempotencyKey,
  garbage,
);

async function send(ingest: ApiHandler, request: BadRequest) {
  const binary = typeof request.body !== "string";
  const event = apiEvent({
    routeKey: "POST /tasks",
    path: "/tasks",
    rawBody: binary
      ? Buffer.from(request.body as Uint8Array).toString("base64")
      : (request.body as string),
  });
  event.isBase64Encoded = binary;
  event.headers = {
    ...(request.contentType === null
      ? {}
      : { "content-type": request.contentType ?? "application/json" }),
    ...(request.idempotencyKey === undefined ? {} : { "idempotency-key": request.idempotencyKey }),
  };
  return ingest(event, lambdaContext());
}

describe("POST /tasks under fuzzing", () => {
  it(`answers ${RUNS} bad requests with 4xx problem documents, accepting none`, async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const ingest = ingestChecks();
    const byStatus = new Map<number, number>();
    const byKind = new Map<string, number>();
    let tried = 0;

    await fc.assert(
      fc.asyncProperty(badRequest, async (request) => {
        tried += 1;
        const response = await send(ingest.handler, request);
        const status = response.statusCode ?? 200;
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        byKind.set(request.kind, (byKind.get(request.kind) ?? 0) + 1);

        expect(status, request.kind).toBeGreaterThanOrEqual(400);
        expect(status, request.kind).toBeLessThan(500);
        if (request.status !== undefined) expect(status, request.kind).toBe(request.status);
        expect(response.headers?.["content-type"]).toBe("application/problem+json");
        const problem = JSON.parse(String(response.body ?? ""));
        expect(problem).toMatchObject({
          status,
          type: expect.stringMatching(/^tag:tasklane\.dev,2026:problem\//),
          title: expect.any(String),
          detail: expect.stringMatching(/\S/),
        });
        const errors: { path: string; message: string }[] = problem.errors ?? [];
        // What the problem says survives being read back as UTF-8 (no lone surrogates in it).
        for (const said of [problem.detail, ...errors.flatMap((e) => [e.path, e.message])]) {
          expect(isWellFormed(said), said).toBe(true);
        }
        if (request.path !== undefined) {
          expect(errors.map((e) => e.path)).toContain(request.path);
        }
        if (request.says !== undefined) {
          const said = [problem.detail, ...errors.map((e) => e.message)].join(" ");
          expect(said).toContain(request.says);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );

    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b);
    const kinds = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      [
        `fuzzed POST /tasks with ${tried} bad requests (seed ${SEED})`,
        `by status: ${statuses.map(([s, n]) => `${s} × ${n}`).join(", ")}`,
        `by kind: ${kinds.map(([k, n]) => `${k} × ${n}`).join(", ")}`,
      ].join("\n"),
    );
    expect(tried).toBe(RUNS);
    expect(statuses.filter(([s]) => s < 400 || s >= 500)).toEqual([]);
    expect(ingest.accepted()).toBe(0);
  }, 120_000);
});
