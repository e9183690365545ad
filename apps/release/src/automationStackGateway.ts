import {
  CommandError,
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  type OutputMap,
  StackNotFoundError as PulumiStackNotFoundError,
  type Stack,
  type UpdateSummary,
} from "@pulumi/pulumi/automation/index.js";
import { EXPECTED_BUNDLES_ENV, RELEASE_COMMIT_ENV } from "@tasklane/stack-config";
import { StackNotFoundError } from "./errors.js";
import {
  isChangeOp,
  type OperationOptions,
  type PlannedChange,
  type PreviewOptions,
  type PreviewResult,
  type StackGateway,
  type StackUpdate,
  type UpOptions,
  type UpResult,
} from "./stackGateway.js";

export interface AutomationStackGatewayOptions {
  /**
   * The folder holding `Pulumi.yaml` (`main: infra/`) and the `Pulumi.<stack>.yaml` files: the
   * repository root.
   */
  workDir: string;
  /** How the CLI colours its output; `never` when it goes to a file or a CI log without ANSI. */
  color?: "always" | "never" | "auto";
}

/**
 * The `StackGateway` over Pulumi's Automation API: a `LocalWorkspace` on this project's own
 * `Pulumi.yaml`, so the CLI runs the very program `pulumi up` runs, with the backend and
 * credentials of the environment (`PULUMI_BACKEND_URL` or `pulumi login`, `PULUMI_ACCESS_TOKEN`,
 * `PULUMI_CONFIG_PASSPHRASE`, the AWS credential chain).
 *
 * Stacks are selected, never created: a mistyped `--to` must fail, not start an empty stack.
 */
export function createAutomationStackGateway(options: AutomationStackGatewayOptions): StackGateway {
  const color = options.color ?? "auto";

  async function select(stackName: string, operation?: OperationOptions): Promise<Stack> {
    const envVars = operation ? operationEnvVars(operation) : {};
    try {
      return await LocalWorkspace.selectStack(
        { stackName, workDir: options.workDir },
        Object.keys(envVars).length > 0 ? { envVars } : undefined,
      );
    } catch (error) {
      if (error instanceof PulumiStackNotFoundError) throw new StackNotFoundError(stackName);
      throw error;
    }
  }

  return {
    async outputs(stackName) {
      const stack = await select(stackName);
      return outputValues(await stack.outputs());
    },

    async history(stackName, limit) {
      const stack = await select(stackName);
      // Page 1 is the newest; secrets are not needed to read messages and metadata.
      return (await stack.history(limit, 1, false)).map(toStackUpdate);
    },

    async preview(stackName, opts: PreviewOptions): Promise<PreviewResult> {
      const stack = await select(stackName, opts);
      const collector = changeCollector();
      try {
        const result = await stack.preview({
          ...commonOptions(opts, color),
          expectNoChanges: opts.expectNoChanges,
          diff: true,
          onEvent: collector.onEvent,
        });
        return { changes: collector.changes, summary: opCounts(result.changeSummary) };
      } catch (error) {
        // `--expect-no-changes` makes the CLI fail when the preview has changes; the events
        // already named them, and the gate reports them rather than a CLI error. Any other
        // failure (the program threw, a provider crashed) stays an error.
        if (
          opts.expectNoChanges &&
          error instanceof CommandError &&
          previewFailureKind(error, collector.changes.length) === "pendingChanges"
        ) {
          return { changes: collector.changes, summary: collector.summary() };
        }
        throw error;
      }
    },

    async up(stackName, opts: UpOptions): Promise<UpResult> {
      const stack = await select(stackName, opts);
      const result = await stack.up({
        ...commonOptions(opts, color),
        message: opts.message,
        diff: true,
      });
      return {
        outputs: outputValues(result.outputs),
        summary: opCounts(result.summary.resourceChanges ?? {}),
      };
    },
  };
}

/**
 * The environment of the program for an operation: the commit to record and, when given, the
 * sha256s the bundles must have (`TASKLANE_RELEASE_COMMIT`, `TASKLANE_EXPECTED_BUNDLES`).
 */
export function operationEnvVars(
  opts: Pick<OperationOptions, "releaseCommit" | "expectedBundles">,
): Record<string, string> {
  return {
    ...(opts.releaseCommit ? { [RELEASE_COMMIT_ENV]: opts.releaseCommit } : {}),
    ...(opts.expectedBundles
      ? { [EXPECTED_BUNDLES_ENV]: JSON.stringify(opts.expectedBundles) }
      : {}),
  };
}

/**
 * What the Pulumi CLI prints when `--expect-no-changes` finds changes. The wording has varied
 * across versions: "no changes were expected but changes were proposed" (preview), "... but
 * changes occurred" (up, refresh), "no changes were expected for <operation> but changes were
 * proposed"; some print an `error: ` prefix.
 */
const NO_CHANGES_EXPECTED =
  /no changes were expected(?: for [\w-]+)? but changes (?:were proposed|occurred)/;

/**
 * The parts of a `CommandError` that are read: the CLI's output (its `commandResult`, private in
 * the SDK's types) when there is one, else the message, which holds the same text.
 */
interface CommandErrorLike {
  message?: unknown;
  commandResult?: { stdout?: unknown; stderr?: unknown };
}

/**
 * Why a preview run with `expectNoChanges` failed. It is `pendingChanges` only when the CLI said
 * so (its stderr or stdout has the `--expect-no-changes` failure) and the engine events named at
 * least one change; anything else, such as the program throwing or a provider crashing after
 * some steps were announced, is an `error`, reported as the gate's ERROR and never as drift.
 */
export function previewFailureKind(
  error: unknown,
  changesSeen: number,
): "pendingChanges" | "error" {
  if (changesSeen === 0 || typeof error !== "object" || error === null) return "error";
  const { commandResult: result, message } = error as CommandErrorLike;
  const text =
    typeof result === "object" && result !== null
      ? [result.stderr, result.stdout].filter((t) => typeof t === "string").join("\n")
      : typeof message === "string"
        ? message
        : "";
  return NO_CHANGES_EXPECTED.test(text) ? "pendingChanges" : "error";
}

function commonOptions(opts: OperationOptions, color: "always" | "never" | "auto") {
  return {
    refresh: opts.refresh,
    color,
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
  };
}

/** Unwraps `{ value, secret }` pairs into plain values. */
export function outputValues(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

/** The parts of a history entry promotion reads. */
export function toStackUpdate(summary: UpdateSummary): StackUpdate {
  return {
    ...(typeof summary.version === "number" ? { version: summary.version } : {}),
    kind: summary.kind,
    result: summary.result,
    message: summary.message ?? "",
    ...(summary.startTime instanceof Date ? { startTime: summary.startTime } : {}),
    environment: summary.environment ?? {},
  };
}

/**
 * Collects the steps of a preview from its engine events: each `resourcePreEvent` names a
 * resource and the operation planned for it.
 */
export function changeCollector() {
  const changes: PlannedChange[] = [];
  const counts: Record<string, number> = {};
  let summaryFromEngine: OpMap | undefined;
  return {
    changes,
    onEvent(event: EngineEvent) {
      if (event.summaryEvent) summaryFromEngine = event.summaryEvent.resourceChanges;
      const step = event.resourcePreEvent?.metadata;
      if (!step) return;
      counts[step.op] = (counts[step.op] ?? 0) + 1;
      if (isChangeOp(step.op)) changes.push({ op: step.op, urn: step.urn });
    },
    /** The engine's own counts when it sent them, else the counts of the steps seen. */
    summary(): Record<string, number> {
      return summaryFromEngine ? opCounts(summaryFromEngine) : { ...counts };
    },
  };
}

function opCounts(map: OpMap): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [op, count] of Object.entries(map)) {
    if (typeof count === "number" && count > 0) counts[op] = count;
  }
  return counts;
}
