import { describe, expect, it } from "vitest";
import { ReleaseContractError } from "../src/errors.js";
import { diffBundles, parseRelease, sameRelease } from "../src/release.js";
import {
  findRecordedRelease,
  releaseFromMessage,
  releaseUpdateMessage,
} from "../src/releaseTrailer.js";
import type { StackUpdate } from "../src/stackGateway.js";
import { releaseOf, sha256Of } from "./helpers/fakes.js";

const release = releaseOf("current");

describe("the release output contract", () => {
  it("accepts { commit, dirty, bundles } with a full sha and sha256s", () => {
    expect(parseRelease(structuredClone(release), "it")).toEqual(release);
  });

  it.each([
    ["a string", "v1", "it is not an object"],
    [
      "a short commit",
      { ...release, commit: "abc1234" },
      "it: `commit` must be a full 40-character git sha",
    ],
    [
      "no dirty flag",
      { commit: release.commit, bundles: release.bundles },
      "it: `dirty` must be a boolean",
    ],
    [
      "no bundles",
      { ...release, bundles: {} },
      "it: `bundles` must map each function name to its sha256",
    ],
    [
      "a base64 digest",
      { ...release, bundles: { ingest: "q83vEjRWeJA=" } },
      "it: `bundles.ingest` must be a sha256 in hex",
    ],
  ])("rejects %s, naming the field", (_name, value, message) => {
    expect(() => parseRelease(value, "it")).toThrow(new ReleaseContractError(message));
  });

  it("diffs bundles by name, both ways, sorted", () => {
    expect(diffBundles({ b: "1", a: "2", c: "3" }, { a: "2", b: "9", d: "4" })).toEqual([
      { name: "b", expected: "1", actual: "9" },
      { name: "c", expected: "3" },
      { name: "d", actual: "4" },
    ]);
  });

  it("calls two releases the same only with the same commit, cleanliness and bundles", () => {
    expect(sameRelease(release, structuredClone(release))).toBe(true);
    expect(sameRelease(release, { ...release, dirty: true })).toBe(false);
    expect(
      sameRelease(release, { ...release, bundles: { ...release.bundles, ingest: sha256Of("x") } }),
    ).toBe(false);
  });
});

describe("the release trailer of an update message", () => {
  function update(overrides: Partial<StackUpdate> = {}): StackUpdate {
    return {
      version: 3,
      kind: "update",
      result: "succeeded",
      message: releaseUpdateMessage({ release, from: "dev", to: "prod", rollback: false }),
      environment: { "git.head": release.commit, "git.dirty": "false" },
      ...overrides,
    };
  }

  it("round-trips the release through the message", () => {
    const message = releaseUpdateMessage({ release, from: "dev", to: "prod", rollback: true });

    expect(message.split("\n")[0]).toBe(
      `roll back to ${release.commit.slice(0, 12)} from dev to prod`,
    );
    expect(releaseFromMessage(message)).toEqual(release);
  });

  it("ignores messages without a trailer or with a broken one", () => {
    expect(releaseFromMessage("deploy abc from CI")).toBeUndefined();
    expect(releaseFromMessage("x\ntasklane-release: {not json")).toBeUndefined();
  });

  it("finds the newest successful update that recorded the commit", () => {
    expect(
      findRecordedRelease(release.commit, [update({ version: 9 }), update({ version: 4 })]),
    ).toEqual({
      release,
      version: 9,
    });
  });

  it.each([
    ["failed updates", { result: "failed" }],
    ["previews", { kind: "preview" }],
    [
      "an update whose git metadata names another commit",
      { environment: { "git.head": "0".repeat(40) } },
    ],
  ])("does not trust %s", (_name, overrides) => {
    expect(findRecordedRelease(release.commit, [update(overrides)])).toBeUndefined();
  });

  it("does not return the record of another commit", () => {
    expect(findRecordedRelease(releaseOf("other").commit, [update()])).toBeUndefined();
  });
});
