import { createHash } from "node:crypto";
import type { TaskResource } from "@tasklane/api-client";
import { FUNCTIONS } from "@tasklane/stack-config";
import type { BundleBuilder } from "../../src/bundleBuilder.js";
import { StackNotFoundError } from "../../src/errors.js";
import type { GitRepository } from "../../src/gitRepository.js";
import type { Output } from "../../src/humanReport.js";
import type { Confirm, PromoteDependencies, PromoteOptions } from "../../src/promote.js";
import type { Release } from "../../src/release.js";
import type { Promotion } from "../../src/resolveRelease.js";
import type { SmokeTestApi } from "../../src/smokeTest.js";
import type {
  PlannedChange,
  PreviewOptions,
  StackGateway,
  StackUpdate,
  UpOptions,
} from "../../src/stackGateway.js";

// Factories ------------------------------------------------------------------------------------

/** A deterministic 40-hex git sha for a label. */
export function commitOf(label: string): string {
  return createHash("sha1").update(label).digest("hex");
}

/** A deterministic sha256 for a label. */
export function sha256Of(label: string): string {
  return createHash("sha256").update(label).digest("hex");
}

/** A release of every function in the catalog, its bundles hashed from the label. */
export function releaseOf(label: string, overrides: Partial<Release> = {}): Release {
  return {
    commit: commitOf(label),
    dirty: false,
    bundles: Object.fromEntries(FUNCTIONS.map((f) => [f.name, sha256Of(`${label}:${f.name}`)])),
    ...overrides,
  };
}

export function promotionOf(release: Release, overrides: Partial<Promotion> = {}): Promotion {
  return {
    from: "dev",
    to: "prod",
    release,
    recordedBy: { stack: "dev", how: "output" },
    rollback: false,
    sourceRelease: release,
    sourceApiUrl: "https://abc123.execute-api.us-east-1.amazonaws.com",
    warnings: [],
    ...overrides,
  };
}

export const DEFAULT_OPTIONS: PromoteOptions = {
  from: "dev",
  to: "prod",
  yes: true,
  dryRun: false,
  smokeTest: true,
  smokeTimeoutSeconds: 30,
  refresh: true,
};

// The stack gateway ----------------------------------------------------------------------------

export interface FakeStack {
  outputs: Record<string, unknown>;
  history: StackUpdate[];
  /** What a preview of this stack reports. */
  previewChanges: PlannedChange[];
  /** Throw from `preview`. */
  previewError?: Error;
  /** The outputs `up` leaves; by default the outputs with `release` set to the pinned commit's. */
  upOutputs?: Record<string, unknown>;
  upError?: Error;
}

export type GatewayCall =
  | { op: "outputs" | "history"; stack: string }
  | { op: "preview"; stack: string; options: PreviewOptions }
  | { op: "up"; stack: string; options: UpOptions };

/** An in-memory `StackGateway`: stacks by name, and a log of every call. */
export class FakeStackGateway implements StackGateway {
  readonly calls: GatewayCall[] = [];
  constructor(readonly stacks: Record<string, FakeStack>) {}

  private stack(name: string): FakeStack {
    const stack = this.stacks[name];
    if (!stack) throw new StackNotFoundError(name);
    return stack;
  }

  async outputs(stack: string) {
    this.calls.push({ op: "outputs", stack });
    return structuredClone(this.stack(stack).outputs);
  }

  async history(stack: string, limit: number) {
    this.calls.push({ op: "history", stack });
    return this.stack(stack).history.slice(0, limit);
  }

  async preview(stack: string, options: PreviewOptions) {
    this.calls.push({ op: "preview", stack, options });
    const s = this.stack(stack);
    if (s.previewError) throw s.previewError;
    options.onOutput?.(`Previewing update (${stack})\n`);
    const changed = s.previewChanges.length;
    return {
      changes: s.previewChanges,
      summary: { same: 40 - changed, ...countOps(s.previewChanges) },
    };
  }

  async up(stack: string, options: UpOptions) {
    this.calls.push({ op: "up", stack, options });
    const s = this.stack(stack);
    if (s.upError) throw s.upError;
    options.onOutput?.(`Updating (${stack})\n`);
    s.outputs = s.upOutputs ?? s.outputs;
    return { outputs: structuredClone(s.outputs), summary: countOps(s.previewChanges) };
  }

  /** The operations in the order they were called, e.g. `preview:dev`. */
  operations(): string[] {
    return this.calls
      .filter((c) => c.op === "preview" || c.op === "up")
      .map((c) => `${c.op}:${c.stack}`);
  }
}

function countOps(changes: PlannedChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of changes) counts[change.op] = (counts[change.op] ?? 0) + 1;
  return counts;
}

// Git, bundles, the API, the operator -------------------------------------------------------------

export interface FakeGitState {
  head: string;
  uncommitted?: string[];
  /** Commits this clone has, by any ref that resolves to them (full or short sha). */
  commits?: string[];
  /** `ancestor>descendant` pairs that are true; a pair of unknown commits is `undefined`. */
  ancestry?: Record<string, boolean>;
}

export function fakeGit(state: FakeGitState): GitRepository {
  return {
    head: async () => state.head,
    uncommittedPaths: async () => state.uncommitted ?? [],
    resolveCommit: async (ref) =>
      [state.head, ...(state.commits ?? [])].find((c) => c.startsWith(ref.toLowerCase())),
    isAncestor: async (a, d) => (a === d ? true : state.ancestry?.[`${a}>${d}`]),
  };
}

export function fakeBundles(
  rebuilt: Record<string, string>,
  deployable: Record<string, string | undefined> = rebuilt,
): BundleBuilder & { rebuilds: number } {
  const builder = {
    rebuilds: 0,
    async rebuild() {
      builder.rebuilds++;
      return { ...rebuilt };
    },
    async deployable() {
      return { ...deployable };
    },
  };
  return builder;
}

export interface FakeApiBehaviour {
  /** How the task ends; `echo` succeeds with its input. */
  status?: TaskResource["status"];
  /** Output instead of the echoed input. */
  output?: unknown;
  error?: { name: string; message: string };
  /** Throw from `submitTask`. */
  submitError?: Error;
}

export function fakeSmokeApi(behaviour: FakeApiBehaviour = {}) {
  const submitted: { type: string; input?: unknown }[] = [];
  const api: SmokeTestApi = {
    async submitTask(task) {
      if (behaviour.submitError) throw behaviour.submitError;
      submitted.push(task);
      return {
        id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        type: task.type,
        status: "queued",
        replayed: false,
      };
    },
    async waitForTask(id) {
      const task = submitted.at(-1);
      const status = behaviour.status ?? "succeeded";
      return {
        id,
        type: task?.type ?? "echo",
        status,
        generation: 1,
        attempts: 1,
        createdAt: "2025-01-01T00:00:00.000Z",
        updatedAt: "2025-01-01T00:00:01.000Z",
        timeline: [],
        ...(status === "succeeded"
          ? { output: "output" in behaviour ? behaviour.output : task?.input }
          : {}),
        ...(behaviour.error ? { error: behaviour.error } : {}),
      };
    },
  };
  const urls: string[] = [];
  return {
    submitted,
    urls,
    factory: (apiUrl: string) => {
      urls.push(apiUrl);
      return api;
    },
  };
}

/** An `Output` that keeps every line. */
export function memoryOutput(): Output & {
  infos: string[];
  problems: string[];
  raws: string[];
  text(): string;
} {
  const infos: string[] = [];
  const problems: string[] = [];
  const raws: string[] = [];
  const all: string[] = [];
  return {
    infos,
    problems,
    raws,
    info: (line = "") => {
      infos.push(line);
      all.push(line);
    },
    problem: (line) => {
      problems.push(line);
      all.push(line);
    },
    raw: (text) => {
      raws.push(text);
      all.push(text);
    },
    text: () => all.join("\n"),
  };
}

// A whole world --------------------------------------------------------------------------------

export interface World {
  deps: PromoteDependencies;
  stacks: FakeStackGateway;
  output: ReturnType<typeof memoryOutput>;
  bundles: ReturnType<typeof fakeBundles>;
  smoke: ReturnType<typeof fakeSmokeApi>;
  confirmations: string[];
  /** dev's release, checked out here. */
  current: Release;
  /** prod's release, an ancestor of `current`. */
  previous: Release;
}

export interface WorldOptions {
  git?: Partial<FakeGitState>;
  rebuilt?: Record<string, string>;
  deployable?: Record<string, string | undefined>;
  dev?: Partial<FakeStack>;
  prod?: Partial<FakeStack>;
  api?: FakeApiBehaviour;
  /** What the operator answers; `undefined` is "no terminal". */
  confirm?: boolean | undefined;
}

/**
 * The happy world: dev runs `current` (checked out here, clean, reproducible, no drift, API
 * healthy); prod runs `previous`, an ancestor of it, and a preview of prod shows the update.
 */
export function world(options: WorldOptions = {}): World {
  const current = releaseOf("current");
  const previous = releaseOf("previous");
  const apiUrl = "https://abc123.execute-api.us-east-1.amazonaws.com";
  const stacks = new FakeStackGateway({
    dev: {
      outputs: { release: current, apiUrl },
      history: [],
      previewChanges: [],
      ...options.dev,
    },
    prod: {
      outputs: { release: previous, apiUrl: "https://def456.execute-api.us-east-1.amazonaws.com" },
      history: [],
      previewChanges: [
        { op: "update", urn: "urn:pulumi:prod::tasklane::aws:lambda/function:Function::ingest" },
      ],
      upOutputs: { release: current },
      ...options.prod,
    },
  });
  const output = memoryOutput();
  const bundles = fakeBundles(options.rebuilt ?? current.bundles, options.deployable);
  const smoke = fakeSmokeApi(options.api);
  const confirmations: string[] = [];
  const confirm: Confirm = async (question) => {
    confirmations.push(question);
    return "confirm" in options ? options.confirm : true;
  };
  return {
    deps: {
      stacks,
      git: fakeGit({
        head: current.commit,
        commits: [previous.commit],
        ancestry: { [`${previous.commit}>${current.commit}`]: true },
        ...options.git,
      }),
      bundles,
      smokeTestApi: smoke.factory,
      confirm,
      output,
    },
    stacks,
    output,
    bundles,
    smoke,
    confirmations,
    current,
    previous,
  };
}
