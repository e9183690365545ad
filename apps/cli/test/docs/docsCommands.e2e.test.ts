import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_API_PORT } from "@tasklane/local";
import { waitFor } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTarget } from "../helpers/localTarget.js";
import { COVERED_ELSEWHERE, NEEDS_AWS_OR_PULUMI, needsAwsOrPulumi } from "./commandCoverage.js";
import { readDocCommands } from "./docCommands.js";
import { type DocSession, RUN_HERE, type RunHere, runDocCommand } from "./docSession.js";

// Every shell command the README and docs/ show is run here, or named with the test or script
// that runs it, or named with what it needs that this machine has not (AWS, the Pulumi CLI). A
// command added to the docs fails this file until it is one of the three.
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const commands = readDocCommands(repoRoot);
const distinct = [...new Set(commands.map((command) => command.text))];

function classesOf(command: string): string[] {
  return [
    RUN_HERE.has(command) && "run here",
    COVERED_ELSEWHERE[command] && "covered elsewhere",
    needsAwsOrPulumi(command) && "needs AWS or the Pulumi CLI",
  ].filter((found): found is string => typeof found === "string");
}

describe("the commands in README.md and docs/", () => {
  it("are each run here, run by a named test or CI's script, or need AWS or the Pulumi CLI", () => {
    const misclassified = commands
      .filter((command) => classesOf(command.text).length !== 1)
      .map(
        (c) => `${c.file}:${c.line}: ${c.text} (${classesOf(c.text).join(", ") || "unclassified"})`,
      );

    expect(commands.length).toBeGreaterThan(0);
    expect(misclassified).toEqual([]);
  });

  it("are what every entry of the tables names, so that no entry outlives its command", () => {
    const written = new Set(distinct);
    const stale = [
      ...[...RUN_HERE.keys()].filter((command) => !written.has(command)),
      ...Object.keys(COVERED_ELSEWHERE).filter((command) => !written.has(command)),
      ...NEEDS_AWS_OR_PULUMI.filter((rule) => !distinct.some((c) => rule.matches.test(c))).map(
        (rule) => String(rule.matches),
      ),
    ];

    expect(stale).toEqual([]);
  });

  it("name only root scripts that exist", () => {
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    // `pnpm install` and `pnpm turbo` are pnpm's own command and a binary, not scripts.
    const named = distinct
      .map((command) => /^(?:\w+=\S+ )?pnpm ([^\s-]\S*)/.exec(command)?.[1])
      .filter((name): name is string => name !== undefined && !["install", "turbo"].includes(name));

    expect(named.filter((name) => scripts[name] === undefined)).toEqual([]);
  });

  it.each(Object.entries(COVERED_ELSEWHERE))(
    "`%s` is run by the file named",
    (_, { by, mentions }) => {
      const path = join(repoRoot, by);

      expect(existsSync(path), `${by} exists`).toBe(true);
      expect(readFileSync(path, "utf8")).toContain(mentions);
    },
  );
});

describe("the commands run here, in the docs' order, against one runtime on pnpm dev's port", () => {
  let session: DocSession;

  beforeAll(async () => {
    const env = { ...process.env };
    // The built bundles, as `pnpm dev` runs them, on its port; a 1 s visibility timeout so that
    // docs/cli.md's tasks reach the DLQ in seconds, as its session says it was arranged. In this
    // process, announced in a scratch workspace: `pnpm dev`'s bin announces itself in the
    // checkout's .tasklane/local-runtime.json, which apps/local/test/cli.test.ts (the bin's own
    // test) writes and checks while `pnpm turbo test` runs this file.
    const target = await startLocalTarget({
      port: DEFAULT_API_PORT,
      testOverrides: { visibilityTimeoutSeconds: 1 },
    });
    session = { target, repoRoot, env, saved: new Map() };
  }, 60_000);
  afterAll(async () => {
    await session?.target.stop();
  });

  const runHere = distinct.flatMap((command) => {
    const step = RUN_HERE.get(command);
    return step ? [[command, step] as [string, RunHere]] : [];
  });

  it.each(runHere)(
    "%s",
    async (command, step) => {
      await step.arrange?.(session);
      const { until } = step;
      const run = until
        ? await waitFor(
            async () => {
              const attempt = await runDocCommand(command, step, session);
              return until(attempt) ? attempt : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 200, what: `${command} to show what the doc shows` },
          )
        : await runDocCommand(command, step, session);

      expect(run.code, `${run.stdout}${run.stderr}`).toBe(step.exitCode);
      step.assess(run, session);
    },
    120_000,
  );
});
