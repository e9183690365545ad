import { fileURLToPath } from "node:url";
import type * as pulumi from "@pulumi/pulumi";
import { fromPulumiConfig, parseStackConfig, type StackConfig } from "@tasklane/stack-config";
import { beforeAll, describe } from "vitest";
import type { ResolvedPolicyDocument } from "../components/policyDocument.js";
import { type RecordedResource, runUnderMocks, stackConfigMap } from "../plan/mockStack.js";

export type { RecordedResource } from "../plan/mockStack.js";
export { MOCK_ACCOUNT_ID, mockKeyArn, stackConfigMap } from "../plan/mockStack.js";

/** The program's stack outputs. */
export type Program = typeof import("../index.js");

/** What a program run planned: its outputs and every resource, with lookups for the tests. */
export interface ProgramRun {
  program: Program;
  resources: RecordedResource[];
  /** Resources of one type token, e.g. `aws:sqs/queue:Queue`. */
  ofType(type: string): RecordedResource[];
  /** The one resource with this logical name; fails naming it when absent. */
  named(name: string): RecordedResource;
}

/** The program's entry point, imported anew for each run. */
const PROGRAM = fileURLToPath(new URL("../index.ts", import.meta.url));
const runs = new Map<string, Promise<ProgramRun>>();
let runCount = 0;

/**
 * Loads the program under `pulumi.runtime.setMocks` with a stack's `Pulumi.<stack>.yaml`
 * (plus overrides), in a fresh module graph, and resolves once every resource is recorded.
 * A run is a pure function of its config, so each one is made once per test worker and
 * shared (treat the result as read-only).
 */
export function runProgram(
  stack: string,
  configOverrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
  // A removed key (undefined) is part of the key, not dropped from it.
  const key = JSON.stringify([stack, configOverrides], (_, value) =>
    value === undefined ? "<removed>" : value,
  );
  let run = runs.get(key);
  if (!run) {
    run = loadProgram(stack, configOverrides);
    runs.set(key, run);
  }
  return run;
}

async function loadProgram(
  stack: string,
  configOverrides: Record<string, unknown>,
): Promise<ProgramRun> {
  // A query makes a new instance of the program module, so it runs again; the modules it
  // imports hold no state and are shared, and so is this file's cache of runs.
  runCount += 1;
  const { program, resources } = await withoutStackTraces(() =>
    runUnderMocks(
      stack,
      configOverrides,
      () => import(/* @vite-ignore */ `${PROGRAM}?run=${runCount}`) as Promise<Program>,
    ),
  );
  return {
    program,
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`the program planned no resource named ${name}`);
      return found;
    },
  };
}

let untracedRuns = 0;
let tracedLimit = Error.stackTraceLimit;

/**
 * Runs `work` taking no stack traces. Pulumi takes one for every promise and resource it makes
 * (debugging aids and source positions the mocks ignore), and formatting them through vitest's
 * source maps was most of a run's CPU time. An error the program throws keeps its message, which
 * names the config key or the resource. Runs are awaited in hooks and tests, so no test's own
 * failure is taken meanwhile; overlapping runs restore the limit when the last one ends.
 */
async function withoutStackTraces<T>(work: () => Promise<T>): Promise<T> {
  if (untracedRuns++ === 0) {
    tracedLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  }
  try {
    return await work();
  } finally {
    if (--untracedRuns === 0) Error.stackTraceLimit = tracedLimit;
  }
}

/** Awaits an Output's value; the test fails rather than passing silently on an unknown. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** A JSON text input, parsed. */
export function json<T = Record<string, unknown>>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected JSON text, got ${typeof value}`);
  return JSON.parse(value) as T;
}

/** Every stack the repository configures; each policy test runs for each of them. */
export const STACKS = ["dev", "prod"] as const;

/** What a test of one stack reads: its name, its config and the program's run of it. */
export interface StackUnderTest {
  stack: (typeof STACKS)[number];
  config: StackConfig;
  run: ProgramRun;
}

/**
 * `describe.each(STACKS)`: the body gets each stack with its config and its program run,
 * which is made before the body's tests (read the run inside tests and hooks only).
 */
export function describeEachStack(title: string, body: (stack: StackUnderTest) => void): void {
  describe.each(STACKS)(title, (stack) => {
    body({ stack, config: stackConfig(stack), run: plannedRun(stack) });
  });
}

/**
 * The program's run of a stack (with overrides), made in a `beforeAll` of the enclosing
 * `describe`; its fields read the finished run.
 */
export function plannedRun(
  stack: string,
  configOverrides: Record<string, unknown> = {},
): ProgramRun {
  let finished: ProgramRun | undefined;
  beforeAll(async () => {
    finished = await runProgram(stack, configOverrides);
  });
  const current = (): ProgramRun => {
    if (!finished) throw new Error(`the ${stack} run is read before its beforeAll has made it`);
    return finished;
  };
  return {
    get program() {
      return current().program;
    },
    get resources() {
      return current().resources;
    },
    ofType: (type) => current().ofType(type),
    named: (name) => current().named(name),
  };
}

/** A stack's validated config, as the program reads it. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  return parseStackConfig(fromPulumiConfig(stackConfigMap(stack, overrides), "tasklane"), {
    project: "tasklane",
    stack,
  });
}

/** The parsed inline policy of a role, by the logical name of its `aws.iam.RolePolicy`. */
export function policyOf(run: ProgramRun, policyName: string): ResolvedPolicyDocument {
  return json<ResolvedPolicyDocument>(run.named(policyName).inputs.policy);
}

/** Logical name of a catalog function's component: `start-executions` -> `startExecutions`. */
export function componentName(functionName: string): string {
  return functionName.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
