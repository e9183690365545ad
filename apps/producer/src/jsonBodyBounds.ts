import { formatPath } from "@tasklane/shared-task/basics";
import type { FieldError } from "./problem.js";

/**
 * The deepest nesting of arrays and objects a request body may have. The API's own bodies need
 * four levels (`{ "tasks": [{ "input": ... }] }`), which leaves 60 for an input: far more than
 * any real one uses, and shallow enough that nothing downstream that walks a value recursively
 * (zod, canonical JSON for fingerprints, JSON.stringify, the SDKs' serializers) can run out of
 * stack. Inputs are stored as JSON text, so DynamoDB's 32-level limit on nested attributes does
 * not apply to them.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a string is well-formed Unicode (no lone surrogates): `String.prototype.isWellFormed`,
 * which Node has from version 20, typed here since the project's TypeScript lib (ES2023)
 * predates it.
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Longest path segment (object key) a refusal shows; longer ones are cut, marked with `…`. */
const MAX_SHOWN_KEY_LENGTH = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/** An open array or object while scanning: where its current member is. */
interface Frame {
  array: boolean;
  /** The current element's index, in an array. */
  index: number;
  /** The current member's key, in an object (once its key has been read). */
  key: string | undefined;
  /** In an object, whether the next string is a key. */
  expectingKey: boolean;
}

/**
 * Where JSON text first nests arrays and objects deeper than `maxDepth`, found in one pass over
 * the text with no recursion and without parsing it, so that no depth can exhaust the stack;
 * brackets inside strings do not count. The path is that of the first array or object past the
 * limit (`input.a[0]`). Text that is not valid JSON is scanned as well as it goes: JSON.parse
 * refuses it afterwards when it is within the limit.
 */
export function findExcessiveNesting(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
): FieldError | undefined {
  const frames: Frame[] = [];
  const length = text.length;
  let at = 0;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      const end = endOfString(text, at);
      const top = frames[frames.length - 1];
      if (top && !top.array && top.expectingKey) {
        top.key = decodeKey(text.slice(at, end));
        top.expectingKey = false;
      }
      at = end;
      continue;
    }
    if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (frames.length >= maxDepth) {
        return {
          path: showPath(frames.map((f) => (f.array ? f.index : (f.key ?? "")))),
          message: `is nested deeper than ${maxDepth} levels of arrays and objects`,
        };
      }
      const array = code === OPEN_BRACKET;
      frames.push({ array, index: 0, key: undefined, expectingKey: !array });
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      frames.pop();
    } else if (code === COMMA) {
      const top = frames[frames.length - 1];
      if (top?.array) top.index += 1;
      else if (top) top.expectingKey = true;
    }
    at += 1;
  }
  return undefined;
}

/** The index just past the string that starts at `start` (a `"`), or the text's end. */
function endOfString(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === BACKSLASH) at += 2;
    else if (code === QUOTE) return at + 1;
    else at += 1;
  }
  return text.length;
}

function decodeKey(literal: string): string {
  try {
    const key: unknown = JSON.parse(literal);
    if (typeof key === "string") return key;
  } catch {
    // Not a valid string literal: the body is malformed, and JSON.parse will say so.
  }
  return literal.replace(/^"|"$/g, "");
}

/**
 * The first string of a parsed JSON value, object keys included, that is not well-formed
 * Unicode (it holds a lone surrogate, which JSON allows as a `\ud800` escape but UTF-8 cannot
 * encode), or the first number too large for a double (JSON.parse makes it Infinity, which
 * JSON.stringify writes as null). The value is walked with an explicit stack, not recursion.
 */
export function findIllFormedValue(value: unknown): FieldError | undefined {
  interface Node {
    value: unknown;
    parent: Node | undefined;
    segment: string | number;
  }
  const pathOf = (node: Node | undefined, last?: string): string => {
    const segments: (string | number)[] = last === undefined ? [] : [last];
    for (let n = node; n?.parent; n = n.parent) segments.push(n.segment);
    return showPath(segments.reverse());
  };
  const stack: Node[] = [{ value, parent: undefined, segment: "" }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const current = node.value;
    if (typeof current === "string") {
      if (!isWellFormed(current)) {
        return { path: pathOf(node), message: notWellFormed(current) };
      }
    } else if (typeof current === "number") {
      if (!Number.isFinite(current)) {
        return {
          path: pathOf(node),
          message: "is a number too large to represent (it exceeds the range of a double)",
        };
      }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        stack.push({ value: current[index], parent: node, segment: index });
      }
    } else if (current !== null && typeof current === "object") {
      const keys = Object.keys(current);
      for (const key of keys) {
        if (!isWellFormed(key)) {
          return { path: pathOf(node, key), message: `has a key that ${notWellFormed(key)}` };
        }
      }
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        stack.push({
          value: (current as Record<string, unknown>)[key],
          parent: node,
          segment: key,
        });
      }
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function notWellFormed(text: string): string {
  LONE_SURROGATE.lastIndex = 0;
  const match = LONE_SURROGATE.exec(text);
  const index = match?.index ?? 0;
  const unit = text.charCodeAt(index).toString(16);
  return `is not well-formed Unicode: lone surrogate \\u${unit} at index ${index}`;
}

/**
 * The text with each lone surrogate written as its escape (`\ud800`), so that it can be shown
 * in a problem document, which is sent as UTF-8.
 */
export function escapeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, (unit) => `\\u${unit.charCodeAt(0).toString(16)}`);
}

/**
 * A path written as the API writes field paths (`input.a[3].b`), made safe to show: a lone
 * surrogate in a key appears as its `\ud800` escape, so that the problem document is itself
 * well-formed, and a very long key is cut.
 */
function showPath(segments: readonly (string | number)[]): string {
  return formatPath(
    segments.map((segment) => {
      if (typeof segment === "number") return segment;
      let shown = escapeLoneSurrogates(segment);
      if (shown.length > MAX_SHOWN_KEY_LENGTH) {
        shown = shown.slice(0, MAX_SHOWN_KEY_LENGTH);
        if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1);
        shown = `${shown}…`;
      }
      return shown;
    }),
  );
}

/**
 * The offset of the first byte that makes `bytes` invalid UTF-8, or `bytes.length` when the
 * bytes end inside a sequence; `undefined` when they are valid. Only for error messages: it
 * decodes prefixes (a binary search), so it costs a few passes over the body.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number | undefined {
  const failsBy = (end: number): boolean => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  if (!failsBy(bytes.length)) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      return undefined;
    } catch {
      return bytes.length;
    }
  }
  // The shortest prefix whose decoding fails ends with the offending byte.
  let low = 1;
  let high = bytes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (failsBy(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}
