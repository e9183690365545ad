import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { importHandler } from "../src/lambda/handlerModules.js";

type CountingHandler = () => Promise<number>;

// A handler with module state, as every real one has (its settings and clients): it counts its
// own invocations, so two handlers that share a module instance share the count.
const COUNTING_HANDLER = "let calls = 0;\nexport const handler = async () => ++calls;\n";

let dir: string;
let file: string;
beforeAll(async () => {
  // Named so that vitest hands the import to Node, as the runtime's bundles are.
  dir = await mkdtemp(join(tmpdir(), "tasklane-local-handlers-"));
  file = join(dir, "index.mjs");
  await writeFile(file, COUNTING_HANDLER);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("importHandler", () => {
  it("gives every import its own module instance of the handler", async () => {
    const first = (await importHandler(file)) as CountingHandler;
    const second = (await importHandler(file)) as CountingHandler;

    expect([await first(), await first(), await second()]).toEqual([1, 2, 1]);
  });

  it("still does when its own module is loaded again, as a test runner reloads it per file", async () => {
    const before = (await importHandler(file)) as CountingHandler;
    vi.resetModules();
    const reloaded = await import("../src/lambda/handlerModules.js");
    const after = (await reloaded.importHandler(file)) as CountingHandler;

    expect([await before(), await after()]).toEqual([1, 1]);
  });

  it("refuses a module that exports no handler function", async () => {
    const notAHandler = join(dir, "not-a-handler.mjs");
    await writeFile(notAHandler, "export const handler = 42;\n");

    await expect(importHandler(notAHandler)).rejects.toThrow(
      /does not export a `handler` function/,
    );
  });
});
