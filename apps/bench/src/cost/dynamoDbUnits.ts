import { TASK_TABLE } from "@tasklane/shared-task";

/** An attribute value in DynamoDB's JSON (`{ "S": "..." }`, `{ "M": { ... } }`, ...). */
export type AttributeValue = {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
  NS?: string[];
  BS?: string[];
};
export type Item = Record<string, AttributeValue>;

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

/**
 * An item's size as DynamoDB bills it: per attribute, its name's UTF-8 bytes plus its value's
 * (strings and binaries their bytes, numbers one byte per two significant digits plus one,
 * booleans and nulls one, lists and maps 3 bytes plus one per element).
 */
export function itemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, "base64").byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + Buffer.from(b, "base64").byteLength, 0);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M) {
    let size = 3;
    for (const [name, v] of Object.entries(value.M))
      size += 1 + Buffer.byteLength(name) + valueBytes(v);
    return size;
  }
  return 0;
}

function numberBytes(text: string): number {
  const digits = text
    .replace(/^[-+]/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "");
  const significant = digits.replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

/** Write request units of one write of `bytes`: 1 per KB, rounded up. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/** Read request units of reading `bytes`: 1 per 4 KB strongly consistent, half that eventually. */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

/** A global secondary index: its key attributes and what it projects besides them. */
export interface IndexLayout {
  name: string;
  keys: readonly string[];
  projected: readonly string[] | "KEYS_ONLY" | "ALL";
}

/** The tasks table's indexes, from the layout the Pulumi program deploys. */
export function taskTableIndexes(): IndexLayout[] {
  return Object.values(TASK_TABLE.indexes).map((index) => ({
    name: index.name,
    keys: [index.partitionKey, index.sortKey],
    // Every index projects only its keys (`taskTableDefinition`).
    projected: "KEYS_ONLY",
  }));
}

const KEYWORDS = ["SET", "REMOVE", "ADD", "DELETE"] as const;

function clauses(expression: string): { keyword: (typeof KEYWORDS)[number]; body: string }[] {
  const found: { keyword: (typeof KEYWORDS)[number]; start: number; bodyStart: number }[] = [];
  let depth = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth !== 0 || (i > 0 && !/\s/.test(expression[i - 1] ?? ""))) continue;
    for (const keyword of KEYWORDS) {
      const word = expression.slice(i, i + keyword.length);
      const after = expression[i + keyword.length] ?? " ";
      if (word.toUpperCase() === keyword && /\s/.test(after)) {
        found.push({ keyword, start: i, bodyStart: i + keyword.length });
        break;
      }
    }
  }
  return found.map((clause, k) => ({
    keyword: clause.keyword,
    body: expression.slice(clause.bodyStart, found[k + 1]?.start ?? expression.length),
  }));
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

function resolveName(token: string, names: Readonly<Record<string, string>>): string {
  return token.startsWith("#") ? (names[token] ?? token) : token;
}

/**
 * Write units a change of one item costs an index: a put of the new entry when the item enters
 * it, a delete of the old one when it leaves, both when a key attribute's value changes, an
 * update when a projected attribute's value does, and nothing otherwise. Each write is billed by
 * its entry's size (1 WRU per KB).
 */
export function indexWriteUnits(
  index: IndexLayout,
  before: Item,
  after: Item,
  tableKey: string,
): number {
  const inBefore = index.keys.every((key) => before[key] !== undefined);
  const inAfter = index.keys.every((key) => after[key] !== undefined);
  const entryUnits = (item: Item) => writeUnits(indexEntryBytes(index, item, tableKey));
  if (!inBefore && !inAfter) return 0;
  if (!inBefore) return entryUnits(after);
  if (!inAfter) return entryUnits(before);
  if (index.keys.some((key) => !sameValue(before[key], after[key]))) {
    return entryUnits(before) + entryUnits(after);
  }
  if (index.projected === "KEYS_ONLY") return 0;
  const names =
    index.projected === "ALL"
      ? new Set([...Object.keys(before), ...Object.keys(after)])
      : index.projected;
  return [...names].some((name) => !sameValue(before[name], after[name])) ? entryUnits(after) : 0;
}

/** An index entry's size: the table key, the index keys and the projected attributes. */
function indexEntryBytes(index: IndexLayout, item: Item, tableKey: string): number {
  if (index.projected === "ALL") return itemSizeBytes(item);
  const kept = new Set([tableKey, ...index.keys]);
  if (index.projected !== "KEYS_ONLY") for (const name of index.projected) kept.add(name);
  const entry: Item = {};
  for (const name of kept) {
    const value = item[name];
    if (value) entry[name] = value;
  }
  return itemSizeBytes(entry);
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An update expression this replay does not evaluate (nested paths, unknown functions). */
export class UnsupportedExpressionError extends Error {
  override name = "UnsupportedExpressionError";
}

/**
 * The item after an `UpdateExpression`, for top-level attributes: SET with values, paths,
 * `if_not_exists`, `list_append` and `+`/`-`; REMOVE; ADD to numbers and sets; DELETE from sets.
 *
 * @throws UnsupportedExpressionError for what it does not evaluate (nested paths, say).
 */
export function applyUpdateExpression(
  item: Item,
  expression: string,
  names: Readonly<Record<string, string>> = {},
  values: Readonly<Record<string, AttributeValue>> = {},
): Item {
  const next: Item = { ...item };
  const name = (path: string) => {
    const token = path.trim();
    if (!/^#?[A-Za-z0-9_]+$/.test(token)) {
      throw new UnsupportedExpressionError(`path ${JSON.stringify(token)}`);
    }
    return resolveName(token, names);
  };
  const value = (text: string): AttributeValue | undefined => {
    const operand = text.trim();
    const call = /^(\w+)\s*\((.*)\)$/s.exec(operand);
    if (call) {
      const args = splitTopLevel(call[2] ?? "", ",");
      if (call[1] === "if_not_exists" && args.length === 2) {
        return item[name(args[0] ?? "")] ?? value(args[1] ?? "");
      }
      if (call[1] === "list_append" && args.length === 2) {
        return { L: [...(value(args[0] ?? "")?.L ?? []), ...(value(args[1] ?? "")?.L ?? [])] };
      }
      throw new UnsupportedExpressionError(`function ${call[1]}`);
    }
    const sum = splitTopLevelArithmetic(operand);
    if (sum) {
      const left = Number(value(sum.left)?.N ?? Number.NaN);
      const right = Number(value(sum.right)?.N ?? Number.NaN);
      const result = sum.op === "+" ? left + right : left - right;
      if (!Number.isFinite(result)) throw new UnsupportedExpressionError(`arithmetic ${operand}`);
      return { N: String(result) };
    }
    if (operand.startsWith(":")) {
      const given = values[operand];
      if (!given) throw new UnsupportedExpressionError(`value ${operand} is not given`);
      return given;
    }
    return item[name(operand)];
  };
  for (const { keyword, body } of clauses(expression)) {
    for (const part of splitTopLevel(body, ",")) {
      const text = part.trim();
      if (text === "") continue;
      if (keyword === "SET") {
        const at = text.indexOf("=");
        const result = value(text.slice(at + 1));
        if (result === undefined) throw new UnsupportedExpressionError(`no value for ${text}`);
        next[name(text.slice(0, at))] = result;
      } else if (keyword === "REMOVE") {
        delete next[name(text)];
      } else {
        const [path = "", operand = ""] = text.split(/\s+/, 2);
        const target = name(path);
        const given = value(operand);
        const current = next[target];
        if (given?.N !== undefined) {
          const sign = keyword === "ADD" ? 1 : -1;
          next[target] = { N: String(Number(current?.N ?? 0) + sign * Number(given.N)) };
        } else {
          const setKey = (["SS", "NS", "BS"] as const).find((k) => given?.[k] !== undefined);
          if (!setKey || !given) throw new UnsupportedExpressionError(`${keyword} ${text}`);
          const have = new Set(current?.[setKey] ?? []);
          for (const element of given[setKey] ?? []) {
            if (keyword === "ADD") have.add(element);
            else have.delete(element);
          }
          if (have.size === 0) delete next[target];
          else next[target] = { [setKey]: [...have] };
        }
      }
    }
  }
  return next;
}

function splitTopLevelArithmetic(
  text: string,
): { left: string; op: "+" | "-"; right: string } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if ((c === "+" || c === "-") && depth === 0 && i > 0) {
      return { left: text.slice(0, i), op: c, right: text.slice(i + 1) };
    }
  }
  return undefined;
}

/** A DynamoDB request as the counter saw it. */
export interface DynamoRequest {
  action: string;
  /** The JSON body. */
  body: string | undefined;
  statusCode: number | undefined;
  responseBytes: number | undefined;
}

/** What one request consumed. */
export interface DynamoUnits {
  tableWriteUnits: number;
  /** Per index name. */
  indexWriteUnits: Record<string, number>;
  readUnits: number;
}

/**
 * Meters a table's requests in the order they were made, as on-demand DynamoDB bills them, by
 * replaying them on copies of the items: a put writes its item, an update applies its
 * expression to the item as it stood, a delete drops it. So each write is billed at the larger
 * of the item before and after it (1 WRU per KB), each index write at its entry's size, each
 * read at the item's size (1 RRU per 4 KB strongly consistent, half that eventually).
 * A refused conditional write (HTTP 400) bills the item's table units and writes no index.
 * An item the meter never saw written, or an expression it cannot replay, falls back to the
 * item's last known state (`knowItems`: what a scan returned).
 */
export class DynamoDbMeter {
  private readonly items = new Map<string, Item>();
  private readonly known = new Map<string, Item>();

  constructor(
    private readonly layout: { tableKey: string; indexes: readonly IndexLayout[] } = {
      tableKey: TASK_TABLE.partitionKey,
      indexes: taskTableIndexes(),
    },
  ) {}

  /** Records the latest state of items (what a scan returned), for the fallbacks. */
  knowItems(items: Iterable<Item>): void {
    for (const item of items) {
      const key = item[this.layout.tableKey]?.S;
      if (key !== undefined) this.known.set(key, item);
    }
  }

  meter(request: DynamoRequest): DynamoUnits {
    const none: DynamoUnits = { tableWriteUnits: 0, indexWriteUnits: {}, readUnits: 0 };
    const ok = request.statusCode === 200;
    if (!ok && request.statusCode !== 400) return none;
    const body = parse(request.body);
    const key = keyOf(body, this.layout.tableKey);
    const before = this.current(key);
    switch (request.action) {
      case "PutItem": {
        const item = (body.Item ?? {}) as Item;
        // A put replaces what the meter saw written, never a later state it learned from a scan:
        // Tasklane's puts create items, which enter every index they have keys for.
        const replaced = key !== undefined ? this.items.get(key) : undefined;
        return this.write(
          key,
          replaced,
          ok ? item : undefined,
          Math.max(size(replaced), itemSizeBytes(item)),
        );
      }
      case "UpdateItem": {
        if (!ok) return this.write(key, before, undefined, size(before));
        const start = before ?? (key !== undefined ? { [this.layout.tableKey]: { S: key } } : {});
        let after: Item;
        try {
          after = applyUpdateExpression(
            start,
            String(body.UpdateExpression ?? ""),
            (body.ExpressionAttributeNames ?? {}) as Record<string, string>,
            (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>,
          );
        } catch (error) {
          if (!(error instanceof UnsupportedExpressionError)) throw error;
          after = (key !== undefined ? this.known.get(key) : undefined) ?? start;
        }
        return this.write(key, start, after, Math.max(size(start), itemSizeBytes(after)));
      }
      case "DeleteItem":
        return this.write(key, before, ok ? {} : undefined, size(before));
      case "GetItem":
        return ok
          ? { ...none, readUnits: readUnits(size(before), body.ConsistentRead === true) }
          : none;
      case "Query":
      case "Scan":
      case "BatchGetItem":
        // What came back, JSON-encoded: a little more than DynamoDB's own size of the items read.
        return ok
          ? { ...none, readUnits: readUnits(request.responseBytes ?? 0, consistentRead(body)) }
          : none;
      default:
        return none;
    }
  }

  /** A write of `after` over `before` (`after` undefined: refused, nothing changes). */
  private write(
    key: string | undefined,
    before: Item | undefined,
    after: Item | undefined,
    billedBytes: number,
  ): DynamoUnits {
    const units: DynamoUnits = {
      tableWriteUnits: writeUnits(billedBytes),
      indexWriteUnits: {},
      readUnits: 0,
    };
    if (after === undefined) return units;
    for (const index of this.layout.indexes) {
      const writes = indexWriteUnits(index, before ?? {}, after, this.layout.tableKey);
      if (writes > 0) units.indexWriteUnits[index.name] = writes;
    }
    if (key !== undefined) {
      if (Object.keys(after).length === 0) this.items.delete(key);
      else this.items.set(key, after);
    }
    return units;
  }

  private current(key: string | undefined): Item | undefined {
    if (key === undefined) return undefined;
    return this.items.get(key) ?? this.known.get(key);
  }
}

function size(item: Item | undefined): number {
  return item ? itemSizeBytes(item) : 0;
}

function parse(body: string | undefined): Record<string, unknown> {
  if (!body) return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function keyOf(body: Record<string, unknown>, tableKey: string): string | undefined {
  const from = (body.Key ?? body.Item) as Item | undefined;
  return from?.[tableKey]?.S;
}

/**
 * Whether a read is strongly consistent: `ConsistentRead` at the top of a GetItem, Query or Scan,
 * and per table (`RequestItems[table].ConsistentRead`) in a BatchGetItem.
 */
function consistentRead(body: Record<string, unknown>): boolean {
  if (body.ConsistentRead === true) return true;
  const tables = (body.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
  return Object.values(tables).some((table) => table.ConsistentRead === true);
}
