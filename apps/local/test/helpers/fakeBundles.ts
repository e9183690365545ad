import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlePaths, FUNCTIONS } from "@tasklane/stack-config";

/** What one invocation of a fake handler saw. */
export interface FakeCall {
  name: string;
  event: unknown;
  env: { tableName?: string; dynamodbEndpoint?: string; operators?: string };
}

interface FakeState {
  __tasklaneFakeCalls?: FakeCall[];
  /** The function that throws while this is set. */
  __tasklaneFakeFailing?: string;
}

const state = globalThis as FakeState;

/**
 * A repository root holding `Pulumi.dev.yaml` and, for every function of the catalog, a bundle
 * that records its event and environment and answers an API event with its authorizer block: a
 * local runtime over it starts in a moment and shows its own wiring, whatever the real handlers
 * do. The folder's name keeps vitest from transforming the bundles (see vitest.config.ts).
 */
export async function fakeBundlesRoot(repoRoot: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "tasklane-local-fakes-"));
  await copyFile(join(repoRoot, "Pulumi.dev.yaml"), join(root, "Pulumi.dev.yaml"));
  for (const spec of FUNCTIONS) {
    const dir = join(root, bundlePaths(spec).dir);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "index.mjs"), fakeHandlerSource(spec.name));
  }
  return root;
}

function fakeHandlerSource(name: string): string {
  return `const name = ${JSON.stringify(name)};
export const handler = async (event) => {
  (globalThis.__tasklaneFakeCalls ??= []).push({
    name,
    event,
    env: {
      tableName: process.env.TASKLANE_TABLE_NAME,
      dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      operators: process.env.TASKLANE_OPERATORS,
    },
  });
  if (globalThis.__tasklaneFakeFailing === name) {
    throw Object.assign(new Error("failing on purpose"), { name: "FakeFailure" });
  }
  if (event && typeof event === "object" && "requestContext" in event) {
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event.requestContext.authorizer ?? null),
    };
  }
  return undefined;
};
`;
}

/** The calls the fake handlers recorded, of one function. */
export function fakeCalls(name: string): FakeCall[] {
  return (state.__tasklaneFakeCalls ?? []).filter((call) => call.name === name);
}

/** Makes the fake `name` throw until `undefined` is given. */
export function failFake(name: string | undefined): void {
  state.__tasklaneFakeFailing = name;
}

export function resetFakes(): void {
  state.__tasklaneFakeCalls = [];
  delete state.__tasklaneFakeFailing;
}
