import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkExpectedBundles,
  ReleaseError,
  readBundles,
  readCommit,
  readRelease,
} from "../release.js";

const FUNCTIONS = [
  { app: "producer", name: "ingest" },
  { app: "consumer", name: "create-task" },
] as const;

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tasklane-release-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes a zip and its manifest entry the way `pnpm build` does. */
function build(app: string, names: string[], options: { corrupt?: string } = {}) {
  const dist = join(root, "apps", app, "dist");
  mkdirSync(dist, { recursive: true });
  const bundles = names.map((name) => {
    const bytes = Buffer.from(`zip of ${name}`);
    writeFileSync(
      join(dist, `${name}.zip`),
      options.corrupt === name ? Buffer.from("other") : bytes,
    );
    const digest = createHash("sha256").update(bytes).digest();
    return {
      name,
      handler: "index.handler",
      zip: `${name}.zip`,
      sha256: digest.toString("hex"),
      sha256Base64: digest.toString("base64"),
      zipBytes: bytes.byteLength,
      codeBytes: bytes.byteLength,
    };
  });
  writeFileSync(join(dist, "bundles.json"), JSON.stringify({ bundles }));
  return bundles;
}

describe("reading the function bundles", () => {
  it("returns each function's zip and its sha256, hex and base64, from the manifests", () => {
    const [ingest] = build("producer", ["ingest"]);
    const [createTask] = build("consumer", ["create-task"]);

    expect(readBundles(root, FUNCTIONS)).toEqual({
      ingest: {
        zipPath: join(root, "apps/producer/dist/ingest.zip"),
        sha256: ingest?.sha256,
        sha256Base64: ingest?.sha256Base64,
      },
      "create-task": {
        zipPath: join(root, "apps/consumer/dist/create-task.zip"),
        sha256: createTask?.sha256,
        sha256Base64: createTask?.sha256Base64,
      },
    });
  });

  it("stops with `run pnpm build` when an app was never built", () => {
    build("producer", ["ingest"]);

    expect(() => readBundles(root, FUNCTIONS)).toThrow(ReleaseError);
    expect(() => readBundles(root, FUNCTIONS)).toThrow(
      "no function bundles: apps/consumer/dist/bundles.json is missing; run `pnpm build`",
    );
  });

  it("stops with `run pnpm build` when the manifest lacks a function", () => {
    build("producer", ["ingest"]);
    build("consumer", ["mark-failed"]);

    expect(() => readBundles(root, FUNCTIONS)).toThrow(
      "apps/consumer/dist/bundles.json has no bundle for function `create-task`: run `pnpm build`",
    );
  });

  it("stops with `run pnpm build` when a zip is missing", () => {
    build("producer", ["ingest"]);
    build("consumer", ["create-task"]);
    rmSync(join(root, "apps/consumer/dist/create-task.zip"));

    expect(() => readBundles(root, FUNCTIONS)).toThrow(
      "bundle apps/consumer/dist/create-task.zip is missing: run `pnpm build`",
    );
  });

  it("stops when a zip is not the one its manifest records (a stale build)", () => {
    build("producer", ["ingest"], { corrupt: "ingest" });
    build("consumer", ["create-task"]);

    expect(() => readBundles(root, FUNCTIONS)).toThrow(
      "bundle apps/producer/dist/ingest.zip does not match the sha256 in apps/producer/dist/bundles.json",
    );
  });

  it("stops when the manifest is not a bundle manifest", () => {
    mkdirSync(join(root, "apps/producer/dist"), { recursive: true });
    writeFileSync(join(root, "apps/producer/dist/bundles.json"), JSON.stringify({ zips: [] }));

    expect(() => readBundles(root, FUNCTIONS)).toThrow("is not a bundle manifest");
  });
});

describe("reading the release commit", () => {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: root,
      stdio: "ignore",
    });

  it("takes HEAD of the checkout and notices uncommitted changes", () => {
    git("init", "-q");
    writeFileSync(join(root, "a.txt"), "a");
    git("add", ".");
    git("commit", "-q", "-m", "a");

    const clean = readCommit(root, {});
    writeFileSync(join(root, "b.txt"), "b");
    const dirty = readCommit(root, {});

    expect(clean).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: false });
    expect(dirty).toEqual({ commit: clean.commit, dirty: true });
  });

  it("takes TASKLANE_RELEASE_COMMIT over git, for CI", () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";

    expect(readCommit(root, { TASKLANE_RELEASE_COMMIT: commit })).toEqual({ commit, dirty: false });
  });

  it("still asks git whether the tree is dirty when TASKLANE_RELEASE_COMMIT names the commit", () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";
    git("init", "-q");
    writeFileSync(join(root, "a.txt"), "a");
    git("add", ".");
    git("commit", "-q", "-m", "a");

    const clean = readCommit(root, { TASKLANE_RELEASE_COMMIT: commit });
    // What the Pulumi CLI does to a stack file with the passphrase provider, for instance.
    writeFileSync(join(root, "Pulumi.dev.yaml"), "encryptionsalt: v1:abc\n");
    const dirty = readCommit(root, { TASKLANE_RELEASE_COMMIT: commit });

    expect(clean).toEqual({ commit, dirty: false });
    expect(dirty).toEqual({ commit, dirty: true });
  });

  it("refuses a TASKLANE_RELEASE_COMMIT that is not a commit id", () => {
    expect(() => readCommit(root, { TASKLANE_RELEASE_COMMIT: "main" })).toThrow(
      'TASKLANE_RELEASE_COMMIT must be a full 40-character git commit id, got "main"',
    );
  });

  it("says how to proceed outside a git checkout", () => {
    expect(() => readCommit(root, {})).toThrow(
      "deploy from a git checkout or set TASKLANE_RELEASE_COMMIT",
    );
  });
});

describe("the bundles promotion expects (TASKLANE_EXPECTED_BUNDLES)", () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";

  function expectedOf(bundles: { name: string; sha256: string }[]): string {
    return JSON.stringify(Object.fromEntries(bundles.map((b) => [b.name, b.sha256])));
  }

  it("reads the release when every bundle has the sha256 promotion verified", () => {
    const built = [...build("producer", ["ingest"]), ...build("consumer", ["create-task"])];

    const release = readRelease(root, FUNCTIONS, {
      TASKLANE_RELEASE_COMMIT: commit,
      TASKLANE_EXPECTED_BUNDLES: expectedOf(built),
    });

    expect(release.commit).toBe(commit);
    expect(release.bundles.ingest?.sha256).toBe(built[0]?.sha256);
  });

  it("stops before anything is deployed when a zip changed after the gates, naming it", () => {
    const [ingest] = build("producer", ["ingest"]);
    const [createTask] = build("consumer", ["create-task"]);
    const other = createHash("sha256").update("bytes that were never verified").digest("hex");
    const expected = JSON.stringify({ ingest: ingest?.sha256, "create-task": other });

    const read = () =>
      readRelease(root, FUNCTIONS, {
        TASKLANE_RELEASE_COMMIT: commit,
        TASKLANE_EXPECTED_BUNDLES: expected,
      });

    expect(read).toThrow(ReleaseError);
    expect(read).toThrow(
      "the bundles to deploy are not the ones TASKLANE_EXPECTED_BUNDLES names (the release promotion verified); nothing was deployed.",
    );
    expect(read).toThrow(
      `create-task: expected ${other.slice(0, 16)}, ${join(root, "apps/consumer/dist/create-task.zip")} has ${createTask?.sha256.slice(0, 16)}`,
    );
    expect(read).not.toThrow("ingest:");
  });

  it("stops when the expected set and the program's functions differ", () => {
    const bundles = {
      ingest: { sha256: "a".repeat(64), zipPath: "/x/ingest.zip" },
      extra: { sha256: "b".repeat(64), zipPath: "/x/extra.zip" },
    };
    const env = {
      TASKLANE_EXPECTED_BUNDLES: JSON.stringify({ ingest: "a".repeat(64), gone: "c".repeat(64) }),
    };

    expect(() => checkExpectedBundles(bundles, env)).toThrow(
      `extra: not in TASKLANE_EXPECTED_BUNDLES; gone: expected ${"c".repeat(16)}, no such function`,
    );
  });

  it("checks nothing when it is unset or empty", () => {
    const bundles = { ingest: { sha256: "a".repeat(64), zipPath: "/x/ingest.zip" } };

    expect(() => checkExpectedBundles(bundles, {})).not.toThrow();
    expect(() => checkExpectedBundles(bundles, { TASKLANE_EXPECTED_BUNDLES: " " })).not.toThrow();
  });

  it.each([
    ["not JSON", "{ingest", "TASKLANE_EXPECTED_BUNDLES is not JSON"],
    [
      "not a map of sha256s",
      JSON.stringify({ ingest: "abc" }),
      "TASKLANE_EXPECTED_BUNDLES must be a JSON object of function name to sha256 (hex)",
    ],
    [
      "an array",
      JSON.stringify(["a".repeat(64)]),
      "TASKLANE_EXPECTED_BUNDLES must be a JSON object",
    ],
  ])("refuses a value that is %s", (_, value, message) => {
    const bundles = { ingest: { sha256: "a".repeat(64), zipPath: "/x/ingest.zip" } };

    expect(() => checkExpectedBundles(bundles, { TASKLANE_EXPECTED_BUNDLES: value })).toThrow(
      message,
    );
  });
});
