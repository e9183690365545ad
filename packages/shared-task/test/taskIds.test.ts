import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  executionName,
  fingerprintSubmission,
  idempotentTaskId,
  isTaskId,
  newTaskId,
  parseExecutionName,
  S3_PREFIXES,
  s3Keys,
} from "../src/index.js";

describe("task ids", () => {
  it("are UUIDv7, so they sort in creation order", async () => {
    const first = newTaskId();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newTaskId();

    expect(first[14]).toBe("7");
    expect(isTaskId(first)).toBe(true);
    expect([second, first].sort()).toEqual([first, second]);
  });

  it("with an Idempotency-Key are the same for the same key and caller", () => {
    const once = idempotentTaskId("order-42", "arn:aws:iam::123456789012:user/alice");
    const twice = idempotentTaskId("order-42", "arn:aws:iam::123456789012:user/alice");

    expect(once).toBe(twice);
    expect(once[14]).toBe("5");
  });

  it("with an Idempotency-Key are a known UUIDv5, so no change of namespace or encoding re-maps keys", () => {
    // Computed apart from the uuid package (RFC 9562 §5.5): SHA-1 over TASK_ID_NAMESPACE's 16
    // bytes and the UTF-8 of `["arn:aws:iam::123456789012:user/alice","order-42"]`, version 5.
    expect(idempotentTaskId("order-42", "arn:aws:iam::123456789012:user/alice")).toBe(
      "ef6ebf6e-5f0c-5af0-961d-f434c8fe1925",
    );
  });

  it("with an Idempotency-Key differ between callers and between keys", () => {
    const alice = idempotentTaskId("order-42", "alice");

    expect(idempotentTaskId("order-42", "bob")).not.toBe(alice);
    expect(idempotentTaskId("order-43", "alice")).not.toBe(alice);
    // The two parts cannot bleed into each other.
    expect(idempotentTaskId("b:c", "a")).not.toBe(idempotentTaskId("c", "a:b"));
  });

  it.each([
    ["an empty key", "", "1 to 255 characters"],
    ["a key over 255 characters", "k".repeat(256), "1 to 255 characters"],
    ["a key with a space", "order 42", "visible ASCII"],
    ["a key with a newline", "order\n42", "visible ASCII"],
  ])("reject %s", (_case, key, message) => {
    expect(() => idempotentTaskId(key, "alice")).toThrow(message);
  });
});

describe("execution names", () => {
  it("are the task id and the generation", () => {
    expect(executionName("0190f5b2-7c1e-7d3a-9f00-123456789abc", 3)).toBe(
      "0190f5b2-7c1e-7d3a-9f00-123456789abc-g3",
    );
  });

  it("are valid Step Functions names and read back for every id and generation", () => {
    fc.assert(
      fc.property(
        fc.uuid({ version: [5, 7] }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (id, generation) => {
          const name = executionName(id, generation);

          expect(name.length).toBeLessThanOrEqual(80);
          expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(parseExecutionName(name)).toEqual({ taskId: id, generation });
        },
      ),
    );
  });

  it("differ between generations of one task, so a retry starts a new execution", () => {
    const id = newTaskId();

    expect(executionName(id, 1)).not.toBe(executionName(id, 2));
  });

  it.each([
    ["a task id that is not a UUID", "task-1", 1],
    ["generation 0", "0190f5b2-7c1e-7d3a-9f00-123456789abc", 0],
    ["a fractional generation", "0190f5b2-7c1e-7d3a-9f00-123456789abc", 1.5],
  ])("refuse %s", (_case, id, generation) => {
    expect(() => executionName(id, generation)).toThrow();
  });

  it("do not read back names this system did not make", () => {
    expect(parseExecutionName("my-manual-run")).toBeUndefined();
    expect(parseExecutionName("0190f5b2-7c1e-7d3a-9f00-123456789abc-g0")).toBeUndefined();
  });
});

describe("fingerprintSubmission", () => {
  it("ignores key order and whitespace", () => {
    const a = fingerprintSubmission({ type: "echo", input: { a: 1, b: [1, 2], c: { d: "x" } } });
    const b = fingerprintSubmission(
      JSON.parse('{ "input": {"c":{"d":"x"},"b":[1,2],"a":1}, "type":"echo" }'),
    );

    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with the type or the input", () => {
    const base = fingerprintSubmission({ type: "echo", input: { a: 1 } });

    expect(fingerprintSubmission({ type: "word-count", input: { a: 1 } })).not.toBe(base);
    expect(fingerprintSubmission({ type: "echo", input: { a: 2 } })).not.toBe(base);
  });
});

describe("s3Keys", () => {
  const id = "0190f5b2-7c1e-7d3a-9f00-123456789abc";

  it("keeps each task's blobs under its id and generation", () => {
    expect(s3Keys.input(id, "a".repeat(64))).toBe(`inputs/${id}/${"a".repeat(64)}.json`);
    expect(s3Keys.runningState(id, 2, 7)).toBe(`states/${id}/g2/7.json`);
    expect(s3Keys.output(id, 2)).toBe(`runs/${id}/g2/output.json`);
  });

  it("puts every key under one of the known prefixes", () => {
    const keys = [
      s3Keys.input(id, "a".repeat(64)),
      s3Keys.runningState(id, 1, 0),
      s3Keys.output(id, 1),
    ];

    for (const key of keys) {
      expect(Object.values(S3_PREFIXES).some((prefix) => key.startsWith(prefix))).toBe(true);
    }
  });

  it("refuses anything but a task id and a generation, so a key can never leave its prefix", () => {
    expect(() => s3Keys.output("../secrets", 1)).toThrow("not a task id");
    expect(() => s3Keys.runningState("../secrets", 1, 0)).toThrow("not a task id");
    expect(() => s3Keys.output(id, 0)).toThrow("not a generation");
    expect(() => s3Keys.input(id, "../x")).toThrow("not a submission fingerprint");
  });
});
