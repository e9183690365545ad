import { describe, expect, it } from "vitest";
import { batchVerdict } from "../src/index.js";

const IDS = ["m1", "m2", "m3"];

describe("reading a partial batch response", () => {
  describe.each([
    { response: undefined, why: "no response" },
    { response: null, why: "a null response" },
    { response: {}, why: "no batchItemFailures" },
    { response: { batchItemFailures: null }, why: "null batchItemFailures" },
    { response: { batchItemFailures: [] }, why: "an empty batchItemFailures" },
  ])("given $why", ({ response }) => {
    it("counts the whole batch a success", () => {
      expect(batchVerdict(response, IDS)).toEqual({ failed: new Set() });
    });
  });

  it("fails exactly the items listed", () => {
    // Act
    const verdict = batchVerdict({ batchItemFailures: [{ itemIdentifier: "m2" }] }, IDS);

    // Assess
    expect(verdict).toEqual({ failed: new Set(["m2"]) });
  });

  describe.each([
    { response: "ok", why: "a string" },
    { response: [{ itemIdentifier: "m1" }], why: "a list" },
    { response: { batchItemFailures: "m1" }, why: "batchItemFailures that is not a list" },
    { response: { batchItemFailures: [{ itemIdentifier: "" }] }, why: "an empty itemIdentifier" },
    { response: { batchItemFailures: [{ itemIdentifier: null }] }, why: "a null itemIdentifier" },
    { response: { batchItemFailures: [{ itemId: "m1" }] }, why: "a misspelt key" },
    { response: { batchItemFailures: [{ itemIdentifier: "m9" }] }, why: "an unknown message id" },
  ])("given $why", ({ response }) => {
    it("fails the whole batch and says why", () => {
      // Act
      const verdict = batchVerdict(response, IDS);

      // Assess
      expect(verdict.failed).toEqual(new Set(IDS));
      expect(verdict.invalid).toEqual(expect.any(String));
    });
  });
});
