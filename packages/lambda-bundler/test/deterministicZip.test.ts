import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { deterministicZip } from "../src/index.js";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

describe("deterministicZip", () => {
  it("gives the same bytes for the same files, whatever order they are given in", () => {
    const a = deterministicZip({
      "index.mjs": text("export const handler = 1;"),
      "index.mjs.map": text("{}"),
    });
    const b = deterministicZip({
      "index.mjs.map": text("{}"),
      "index.mjs": text("export const handler = 1;"),
    });

    expect(sha(a)).toBe(sha(b));
  });

  it("gives the same bytes in another time zone", () => {
    const files = { "index.mjs": text("x") };
    const here = sha(deterministicZip(files));
    const previous = process.env.TZ;
    process.env.TZ = "Pacific/Kiritimati";
    try {
      expect(sha(deterministicZip(files))).toBe(here);
    } finally {
      process.env.TZ = previous;
    }
  });

  it("changes when a file changes, and unzips to the original files", () => {
    const zip = deterministicZip({ "index.mjs": text("a") });

    expect(sha(deterministicZip({ "index.mjs": text("b") }))).not.toBe(sha(zip));
    expect(new TextDecoder().decode(unzipSync(zip)["index.mjs"])).toBe("a");
  });
});
