import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  EnvelopeError,
  INLINE_INPUT_MAX_BYTES,
  parseEnvelope,
  type TaskEnvelopeInput,
} from "../src/index.js";
import { rawEnvelope } from "./helpers/factories.js";

describe("parseEnvelope", () => {
  it("reads a v1 envelope from the SQS message text", () => {
    const envelope = parseEnvelope(JSON.stringify(rawEnvelope()));

    expect(envelope).toMatchObject({ v: 1, type: "echo", generation: 1, correlationId: "req-123" });
  });

  it("defaults the correlation id to the task id, so messages without one are still understood", () => {
    const { correlationId: _omitted, ...withoutCorrelation } = rawEnvelope();

    const envelope = parseEnvelope(withoutCorrelation);

    expect(envelope.correlationId).toBe(envelope.id);
  });

  it("ignores fields it does not know, so a newer producer's message is still read", () => {
    const envelope = parseEnvelope(rawEnvelope({ priority: "high" }));

    expect(envelope.type).toBe("echo");
    expect(envelope).not.toHaveProperty("priority");
  });

  it("reads an input stored in S3 as a reference", () => {
    const envelope = parseEnvelope(
      rawEnvelope({
        input: { kind: "s3", bucket: "tasklane-dev-payloads", key: "inputs/x.json", bytes: 70_000 },
      }),
    );

    expect(envelope.input).toEqual({
      kind: "s3",
      bucket: "tasklane-dev-payloads",
      key: "inputs/x.json",
      bytes: 70_000,
    });
  });

  describe("an inline input", () => {
    // The JSON of a string of n ASCII characters is n + 2 bytes (the quotes).
    const inlineOf = (value: string) => rawEnvelope({ input: { kind: "inline", value } });

    it("is accepted up to INLINE_INPUT_MAX_BYTES of JSON", () => {
      const envelope = parseEnvelope(inlineOf("x".repeat(INLINE_INPUT_MAX_BYTES - 2)));

      expect(envelope.input.kind).toBe("inline");
      expect(INLINE_INPUT_MAX_BYTES).toBe(131_072);
    });

    it("is rejected one byte over, with the size, the limit and the way out", () => {
      const act = () => parseEnvelope(inlineOf("x".repeat(INLINE_INPUT_MAX_BYTES - 1)));

      expect(act).toThrow(EnvelopeError);
      expect(act).toThrow(
        "`input`: an inline input is 131073 bytes of JSON; the limit is 131072, so a larger input must travel as an S3 reference",
      );
    });

    it("is measured in UTF-8 bytes, as Step Functions counts, not in characters", () => {
      const act = () => parseEnvelope(inlineOf("é".repeat(INLINE_INPUT_MAX_BYTES / 2)));

      expect(act).toThrow("an inline input is 131074 bytes");
    });
  });

  it.each([
    ["text that is not JSON", "{not json", "task envelope is not JSON"],
    ["a JSON array", "[1,2]", "task envelope must be a JSON object"],
    ["null", null, "task envelope must be a JSON object"],
    ["a message with no version", { ...rawEnvelope(), v: undefined }, "has no version field `v`"],
    [
      "a version from the future",
      rawEnvelope({ v: 2 }),
      "version 2 is not supported; this code reads 1",
    ],
    ["a version that is text", rawEnvelope({ v: "1" }), 'version "1" is not supported'],
    ["an id that is not a UUID", rawEnvelope({ id: "../../etc" }), "`id`: must be a task id"],
    ["generation 0", rawEnvelope({ generation: 0 }), "`generation`"],
    ["a fractional generation", rawEnvelope({ generation: 1.5 }), "`generation`"],
    ["a createdAt that is not a timestamp", rawEnvelope({ createdAt: "yesterday" }), "`createdAt`"],
    ["an input of unknown kind", rawEnvelope({ input: { kind: "ftp", url: "x" } }), "`input.kind`"],
    [
      "an S3 input with a bad bucket",
      rawEnvelope({ input: { kind: "s3", bucket: "A", key: "k", bytes: 1 } }),
      "`input.bucket`: must be an S3 bucket name",
    ],
    [
      "a short fingerprint",
      rawEnvelope({ fingerprint: "abc" }),
      "`fingerprint`: must be a SHA-256",
    ],
    ["a missing type", rawEnvelope({ type: undefined }), "`type`"],
  ])("rejects %s with an EnvelopeError that says why", (_case, body, message) => {
    const act = () => parseEnvelope(body);

    expect(act).toThrow(EnvelopeError);
    expect(act).toThrow(message);
  });

  it("lists every failing field with its path", () => {
    try {
      parseEnvelope(rawEnvelope({ generation: -1, fingerprint: 7 }));
      expect.unreachable("parseEnvelope accepted a broken envelope");
    } catch (error) {
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).issues.map((i) => i.path).sort()).toEqual([
        "fingerprint",
        "generation",
      ]);
    }
  });
});

describe("createEnvelope", () => {
  it("stamps the current version and validates what it builds", () => {
    const { v: _v, ...fields } = rawEnvelope();

    expect(createEnvelope(fields as TaskEnvelopeInput).v).toBe(1);
    expect(() => createEnvelope({ ...(fields as TaskEnvelopeInput), generation: 0 })).toThrow(
      EnvelopeError,
    );
  });
});
