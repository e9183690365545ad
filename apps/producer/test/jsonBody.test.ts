import { describe, expect, it, vi } from "vitest";
import { readJsonBody } from "../src/httpRequest.js";
import {
  findExcessiveNesting,
  findIllFormedValue,
  firstInvalidUtf8Byte,
  isWellFormed,
  MAX_JSON_DEPTH,
} from "../src/jsonBodyBounds.js";
import { HttpProblem, type Problem } from "../src/problem.js";
import { apiEvent } from "./helpers/apiEvents.js";

const LIMIT = 16 * 1024 * 1024;

function read(body: string | Uint8Array, maxBytes = LIMIT): unknown {
  const binary = typeof body !== "string";
  const event = apiEvent({
    routeKey: "POST /tasks",
    path: "/tasks",
    rawBody: binary ? Buffer.from(body).toString("base64") : body,
  });
  event.isBase64Encoded = binary;
  return readJsonBody(event, maxBytes);
}

/** The problem `readJsonBody` refuses the body with; fails when it returns or throws another error. */
function refusal(body: string | Uint8Array, maxBytes = LIMIT): Problem & { errors?: unknown } {
  let thrown: unknown;
  try {
    read(body, maxBytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(HttpProblem);
  const { problem } = thrown as HttpProblem;
  // The answer must itself survive being sent as UTF-8.
  expect(isWellFormed(JSON.stringify(problem))).toBe(true);
  return problem;
}

const arrays = (depth: number, inner = "0") => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}0${"}".repeat(depth)}`;
const zeros = (n: number) => "[0]".repeat(n);

describe("nesting depth", () => {
  it("is bounded at 64 levels of arrays and objects", () => {
    expect(MAX_JSON_DEPTH).toBe(64);
  });

  it.each([
    ["arrays", arrays],
    ["objects", objects],
  ])("accepts %s nested exactly 64 deep", (_shape, nest) => {
    expect(read(nest(MAX_JSON_DEPTH))).toEqual(JSON.parse(nest(MAX_JSON_DEPTH)));
  });

  it("refuses arrays nested 65 deep with 400, naming the path of the 65th", () => {
    const problem = refusal(arrays(65));

    expect(problem).toMatchObject({
      status: 400,
      type: "tag:tasklane.dev,2026:problem/malformed-json",
      errors: [
        { path: zeros(64), message: "is nested deeper than 64 levels of arrays and objects" },
      ],
    });
    expect(problem.detail).toContain("nested deeper than 64 levels");
  });

  it("refuses objects nested 65 deep, naming the keys", () => {
    expect(refusal(objects(65)).errors).toEqual([
      { path: Array(64).fill("a").join("."), message: expect.stringContaining("64 levels") },
    ]);
  });

  it("names the path through keys and array indexes in the API's format", () => {
    const text = '{"type":"echo","input":{"a":[1,"x",{},{"b":{"c":1}}]}}';

    expect(findExcessiveNesting(text, 4)).toEqual({
      path: "input.a[3].b",
      message: "is nested deeper than 4 levels of arrays and objects",
    });
    expect(findExcessiveNesting(text, 5)).toBeUndefined();
  });

  it("counts the nesting of a submission's input from the body's root", () => {
    const body = `{"type":"echo","input":${arrays(63)}}`;
    expect(read(body)).toMatchObject({ type: "echo" });

    expect(refusal(`{"type":"echo","input":${arrays(64)}}`).errors).toEqual([
      { path: `input${zeros(63)}`, message: expect.any(String) },
    ]);
  });

  it.each([5_000, 1_000_000])(
    "refuses a body %i levels deep without parsing it, so without overflowing the stack",
    (depth) => {
      for (const text of [
        arrays(depth),
        objects(depth),
        `{"type":"echo","input":${arrays(depth)}}`,
      ]) {
        const parse = vi.spyOn(JSON, "parse");
        const problem = refusal(text);
        // The scan stops at the limit: it never parses the body, and decodes at most one key
        // per level it opened, however deep the body goes.
        expect(parse.mock.calls.filter(([parsed]) => parsed === text)).toEqual([]);
        expect(parse.mock.calls.length).toBeLessThanOrEqual(MAX_JSON_DEPTH);
        parse.mockRestore();
        expect(problem.status).toBe(400);
        expect(problem.detail).toContain("nested deeper than 64 levels");
      }
    },
  );

  it("refuses a deep body that is also cut short as too deep, before parsing it", () => {
    expect(refusal("[".repeat(1_000_000)).detail).toContain("nested deeper than 64 levels");
  });

  it("does not count brackets inside strings, keys or escapes", () => {
    const body = JSON.stringify({
      type: "echo",
      input: {
        text: "[[[[".repeat(100),
        braces: `{{"\\"${"{".repeat(100)}`,
        ["[".repeat(100)]: "]]]]",
        nested: JSON.parse(arrays(60)),
      },
    });

    expect(read(body)).toEqual(JSON.parse(body));
  });

  it("ends a string at a quote after an escaped backslash", () => {
    // `"a\\"` is a complete string, so the arrays after it count.
    const text = `["a\\\\",${arrays(64)}]`;

    expect(refusal(text).errors).toEqual([
      { path: `[1]${zeros(63)}`, message: expect.any(String) },
    ]);
  });
});

describe("Unicode well-formedness", () => {
  it.each([
    ["a lone high surrogate", '"\\ud800"', 0, "d800"],
    ["a lone low surrogate", '"ab\\udc00"', 2, "dc00"],
    ["a high surrogate followed by a letter", '"x\\ud83dy"', 1, "d83d"],
    ["a pair in the wrong order", '"\\ude00\\ud83d"', 0, "de00"],
  ])("refuses %s in a value with 400, naming the field", (_case, literal, index, unit) => {
    const problem = refusal(`{"type":"echo","input":{"items":[1,{"text":${literal}}]}}`);

    expect(problem).toMatchObject({
      status: 400,
      type: "tag:tasklane.dev,2026:problem/malformed-json",
      errors: [
        {
          path: "input.items[1].text",
          message: `is not well-formed Unicode: lone surrogate \\u${unit} at index ${index}`,
        },
      ],
    });
    expect(problem.detail).toContain("`input.items[1].text`: is not well-formed Unicode");
  });

  it("refuses a lone surrogate in the type", () => {
    expect(refusal('{"type":"echo\\udfff","input":{}}').errors).toEqual([
      { path: "type", message: expect.stringContaining("at index 4") },
    ]);
  });

  it.each([
    ["high", '{"type":"echo","input":{"ok":1,"k\\ud800":2}}', "input.k\\ud800", "d800", 1],
    ["low", '{"type":"echo","input":[{"ok":1},{"\\udc00":2}]}', "input[1].\\udc00", "dc00", 0],
    ["high, at the root", '{"\\udbff":1,"type":"echo","input":{}}', "\\udbff", "dbff", 0],
  ])(
    "refuses a lone %s surrogate in a key, showing it escaped",
    (_case, body, path, unit, index) => {
      expect(refusal(body).errors).toEqual([
        {
          path,
          message: `has a key that is not well-formed Unicode: lone surrogate \\u${unit} at index ${index}`,
        },
      ]);
    },
  );

  it("accepts surrogate pairs, escaped or not, in values and keys", () => {
    const body = '{"type":"echo","input":{"\\ud83d\\ude00a":"\\ud83d\\ude00 😀","😀b":["𝄞"]}}';

    expect(read(body)).toEqual({ type: "echo", input: { "😀a": "😀 😀", "😀b": ["𝄞"] } });
  });

  it("refuses text that holds a lone surrogate itself, rather than encoding it as U+FFFD", () => {
    expect(refusal(`{"type":"echo","input":{"text":"\ud800"}}`)).toMatchObject({
      status: 400,
      detail: "the body is not well-formed Unicode text",
    });
  });
});

describe("UTF-8", () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const withBytes = (...bytes: number[]) =>
    Buffer.concat([utf8('{"type":"echo","input":{"s":"'), Buffer.from(bytes), utf8('"}}')]);

  it.each([
    ["a byte that is never UTF-8", [0xff], "byte 0xff at offset 29"],
    ["a lone continuation byte", [0x80], "byte 0x80 at offset 29"],
    ["an overlong encoding", [0xc0, 0xaf], "byte 0xc0 at offset 29"],
    ["an encoded surrogate", [0xed, 0xa0, 0x80], "byte 0xa0 at offset 30"],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], "byte 0x90 at offset 30"],
    ["a sequence cut short", [0xc3, 0x28], "byte 0x28 at offset 30"],
  ])("refuses %s with 400, instead of replacing it", (_case, bytes, says) => {
    const problem = refusal(withBytes(...bytes));

    expect(problem).toMatchObject({
      status: 400,
      type: "tag:tasklane.dev,2026:problem/malformed-json",
    });
    expect(problem.detail).toBe(
      `the body is not valid UTF-8: ${says} is not part of a valid sequence`,
    );
  });

  it("refuses a body that ends inside a multi-byte sequence", () => {
    expect(
      refusal(Buffer.concat([utf8('{"type":"echo","input":"x"}'), Buffer.of(0xe2, 0x82)])).detail,
    ).toBe("the body is not valid UTF-8: it ends inside a multi-byte sequence");
  });

  it("accepts multi-byte UTF-8", () => {
    expect(read(utf8('{"type":"echo","input":"héllo wörld 😀 𝄞"}'))).toEqual({
      type: "echo",
      input: "héllo wörld 😀 𝄞",
    });
  });

  it.each([
    ["as bytes", Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), utf8('{"type":"echo","input":{}}')])],
    ["as text", '\ufeff{"type":"echo","input":{}}'],
  ])("refuses a byte order mark %s", (_case, body) => {
    expect(refusal(body)).toMatchObject({
      status: 400,
      detail: "the body starts with a byte order mark (U+FEFF); send JSON without one",
    });
  });

  it("finds the first invalid byte", () => {
    expect(firstInvalidUtf8Byte(utf8("plain ✓"))).toBeUndefined();
    expect(firstInvalidUtf8Byte(Buffer.of(0x61, 0x62, 0xff, 0x63))).toBe(2);
    expect(firstInvalidUtf8Byte(Buffer.of(0x61, 0xf0, 0x9f))).toBe(3);
  });
});

describe("numbers", () => {
  it.each(["1e400", "-1e999", `1${"0".repeat(400)}`])(
    "refuses %s, which JSON.parse would make Infinity, naming the field",
    (n) => {
      expect(refusal(`{"type":"echo","input":{"values":[1,${n}]}}`).errors).toEqual([
        {
          path: "input.values[1]",
          message: "is a number too large to represent (it exceeds the range of a double)",
        },
      ]);
    },
  );

  it("accepts large finite numbers", () => {
    expect(read('{"n":1e308,"m":-1.7976931348623157e308}')).toEqual({
      n: 1e308,
      m: -1.7976931348623157e308,
    });
  });
});

describe("findIllFormedValue", () => {
  it("tells well-formed strings from strings with a lone surrogate", () => {
    expect(isWellFormed("plain 😀")).toBe(true);
    expect(isWellFormed("\ud800")).toBe(false);
    expect(isWellFormed("\ude00\ud83d")).toBe(false);
  });

  it("walks a value without recursion", () => {
    let deep: unknown = "ok";
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(findIllFormedValue(deep)).toBeUndefined();

    let bad: unknown = "\udc00";
    for (let i = 0; i < 200_000; i += 1) bad = { k: bad };
    expect(findIllFormedValue(bad)?.message).toContain("lone surrogate");
  });
});

describe("the checks it already made", () => {
  it("says what does not parse without splitting a surrogate pair", () => {
    // V8 names the offending code unit: here the first half of U+10000.
    const problem = refusal("\u{10000}");

    expect(problem.detail).toContain("the body is not valid JSON: Unexpected token '\\ud800'");
    expect(isWellFormed(problem.detail)).toBe(true);
  });

  it.each([
    ["malformed JSON", '{"type": "echo", "input": ', 400, "the body is not valid JSON"],
    ["an empty body", "  ", 400, "the request body is empty"],
  ])("still refuses %s", (_case, body, status, says) => {
    expect(refusal(body)).toMatchObject({ status, detail: expect.stringContaining(says) });
  });

  it("checks the size before decoding or scanning", () => {
    expect(refusal(arrays(1_000), 100)).toMatchObject({ status: 413 });
    expect(refusal(Buffer.alloc(200, 0xff), 100)).toMatchObject({ status: 413 });
  });
});
