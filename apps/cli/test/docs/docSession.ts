import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AcceptedTask, TaskResource } from "@tasklane/api-client";
import { isTerminalStatus } from "@tasklane/shared-task/statuses";
import { waitFor } from "@tasklane/test-support";
import { expect } from "vitest";
import type { LocalTarget } from "../helpers/localTarget.js";
import { runShell, type ShellRun, shellWords } from "./shellCommand.js";

/** What the documented commands run against, and what they leave for the next ones. */
export interface DocSession {
  /** The runtime, on `pnpm dev`'s ports; its scratch workspace stands for the repository. */
  target: LocalTarget;
  /** The repository itself, for commands that need its workspace (`pnpm --filter`). */
  repoRoot: string;
  /** The environment of the test process before the runtime set its endpoints in it. */
  env: NodeJS.ProcessEnv;
  /** Values that later commands' placeholders take, by name: the ids commands answered. */
  saved: Map<string, string>;
}

/** A documented command, run here as written but for its placeholders, and what it must show. */
export interface RunHere {
  /** Runs in the repository rather than in the runtime's scratch workspace. */
  inRepository?: boolean;
  /** Brings about what the doc shows the command meeting: a file it reads, letters in the DLQ. */
  arrange?(session: DocSession): Promise<void>;
  /** The doc's example values, each with what stands for it in this run. */
  placeholders?(session: DocSession): Record<string, string>;
  /** The doc shows the answer once the task has moved on: run it again until it shows that. */
  until?(run: ShellRun): boolean;
  exitCode: number;
  assess(run: ShellRun, session: DocSession): void;
}

const TASK_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z";
/** The DLQ session's tasks, with the inputs docs/cli.md shows. */
const DEAD_LETTERS = [{ order: 1 }, { order: 2 }];

/** `pnpm tasklane ...` runs the CLI in this process (bin.e2e.test.ts runs the bin); the rest bash. */
export async function runDocCommand(
  command: string,
  step: RunHere,
  session: DocSession,
): Promise<ShellRun> {
  let text = command;
  for (const [example, value] of Object.entries(step.placeholders?.(session) ?? {})) {
    text = text.replaceAll(example, value);
  }
  const cli = /^pnpm tasklane (.*)$/.exec(text)?.[1];
  if (cli !== undefined) {
    const { code, stdout, stderr } = await session.target.run(shellWords(cli));
    return { code, stdout, stderr };
  }
  const cwd = step.inRepository ? session.repoRoot : session.target.repoRoot;
  return runShell(text, { cwd, env: session.env });
}

function saved(session: DocSession, name: string): string {
  const value = session.saved.get(name);
  if (value === undefined) throw new Error(`no earlier command answered ${name}`);
  return value;
}

function json<T = Record<string, unknown>>(run: ShellRun): T {
  return JSON.parse(run.stdout) as T;
}

async function getTask(session: DocSession, id: string): Promise<TaskResource> {
  const response = await fetch(`${session.target.runtime.apiUrl}/tasks/${id}`);
  return (await response.json()) as TaskResource;
}

/** Waits until every task the session submitted has finished, so none is caught by an outage. */
async function allTasksFinished(session: DocSession): Promise<void> {
  await waitFor(
    async () => {
      const listed = await session.target.run(["list", "--since", "1h", "--json"]);
      const { tasks } = listed.json<{ tasks: TaskResource[] }>();
      return tasks.every((task) => isTerminalStatus(task.status)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: "the earlier tasks to finish" },
  );
}

/**
 * docs/cli.md's DLQ part, arranged as it says: with the Step Functions endpoint down (and the
 * runtime's 1 s visibility timeout), two tasks are delivered until SQS moves them to the DLQ.
 */
async function deliverToDeadLetters(session: DocSession): Promise<void> {
  await allTasksFinished(session);
  const { target } = session;
  target.runtime.stepFunctions.setOutage("unavailable");
  try {
    for (const [i, input] of DEAD_LETTERS.entries()) {
      const run = await target.run(["submit", "echo", "--input", JSON.stringify(input), "--json"]);
      session.saved.set(`dead letter ${i + 1}`, run.json<AcceptedTask>().id);
    }
    await waitFor(
      async () => {
        const listed = await target.run(["dlq", "list", "--json"]);
        const { messages } = listed.json<{ messages: unknown[] }>();
        return messages.length === DEAD_LETTERS.length ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "both tasks to reach the DLQ" },
    );
  } finally {
    target.runtime.stepFunctions.setOutage(undefined);
  }
}

function deadLetterIds(session: DocSession): string[] {
  return DEAD_LETTERS.map((_, i) => saved(session, `dead letter ${i + 1}`));
}

function acceptedAs(type: string, name: string) {
  return (run: ShellRun, session: DocSession) => {
    const accepted = json<AcceptedTask>(run);
    expect(accepted).toEqual({ id: expect.stringMatching(TASK_ID), type, status: "queued" });
    session.saved.set(name, accepted.id);
  };
}

const succeeded = (run: ShellRun) => json<TaskResource>(run).status === "succeeded";

/** The documented commands run here, by their text in the docs. */
export const RUN_HERE: ReadonlyMap<string, RunHere> = new Map<string, RunHere>([
  [
    "pnpm --filter @tasklane/infra plan -- --stack prod",
    {
      inRepository: true,
      exitCode: 0,
      assess(run) {
        expect(run.stdout).toMatch(/^Stack prod: \d+ resources to create \(offline plan/);
        expect(run.stdout).toMatch(/aws:sqs:Queue +tasksQueue +tasklane-prod-tasks /);
      },
    },
  ],
  [
    `curl -s -X POST http://localhost:3000/tasks -H 'content-type: application/json' -d '{"type":"word-count","input":{"text":"the quick brown fox"}}'`,
    { exitCode: 0, assess: acceptedAs("word-count", "README's task") },
  ],
  [
    "curl -s http://localhost:3000/tasks/01a2...",
    {
      placeholders: (session) => ({ "01a2...": saved(session, "README's task") }),
      until: succeeded,
      exitCode: 0,
      assess(run, session) {
        expect(json(run)).toMatchObject({
          id: saved(session, "README's task"),
          type: "word-count",
          status: "succeeded",
          attempts: 1,
          output: { words: 4, lines: 1, characters: 19 },
        });
      },
    },
  ],
  [
    "curl -s http://localhost:3000/task-types",
    {
      exitCode: 0,
      assess(run) {
        const { types } = json<{ types: { type: string; inputSchema: object }[] }>(run);
        expect(types.map((t) => t.type)).toEqual(
          expect.arrayContaining(["echo", "fail", "flaky", "sleep", "word-count"]),
        );
        for (const type of types) {
          expect(type).toMatchObject({
            inputSchema: expect.any(Object),
            outputSchema: expect.any(Object),
          });
        }
      },
    },
  ],
  [
    `pnpm tasklane submit word-count --input '{"text":"the quick brown fox"}' --wait`,
    {
      exitCode: 0,
      assess(run) {
        expect(run.stdout).toMatch(
          new RegExp(`^Accepted task ${TASK_ID} \\(word-count\\), queued\\.$`, "m"),
        );
        expect(run.stdout).toMatch(/^Status {4}succeeded$/m);
        expect(run.stdout).toMatch(/^Attempts {2}1$/m);
        expect(run.stdout).toMatch(new RegExp(`^Finished  ${TIME}$`, "m"));
        expect(run.stdout).toMatch(/^Output {4}\{"words":4,"lines":1,"characters":19\}$/m);
      },
    },
  ],
  [
    "pnpm tasklane submit-many --file tasks.jsonl",
    {
      async arrange({ target }) {
        const lines = [
          ...["one", "two", "three"].map((text) => ({ type: "word-count", input: { text } })),
          { type: "nope", input: {} },
          ...[1, 2].map((n) => ({ type: "echo", input: { n } })),
        ];
        const text = lines.map((line) => JSON.stringify(line)).join("\n");
        await writeFile(join(target.repoRoot, "tasks.jsonl"), `${text}\n`);
      },
      // Exit 1: lines were rejected (docs/cli.md's exit codes).
      exitCode: 1,
      assess(run) {
        const output = run.stdout + run.stderr;
        expect(output).toMatch(
          /^tasks\.jsonl: 6 lines: 5 accepted, 1 rejected, 0 blank, in [\d.]+ m?s \([\d.]+ lines\/s\)\.$/m,
        );
        expect(output).toMatch(/^Rejected lines, with their errors: tasks\.rejects\.jsonl$/m);
      },
    },
  ],
  [
    "head -1 tasks.rejects.jsonl",
    {
      exitCode: 0,
      assess(run) {
        expect(json(run)).toMatchObject({
          line: 4,
          text: '{"type":"nope","input":{}}',
          error: {
            title: "The request does not match the schema",
            detail:
              '`type`: unknown task type "nope"; known types: echo, fail, flaky, sleep, word-count',
            status: 422,
            errors: expect.any(Array),
          },
        });
      },
    },
  ],
  [
    "pnpm tasklane dlq list",
    {
      arrange: deliverToDeadLetters,
      exitCode: 0,
      assess(run, session) {
        expect(run.stdout).toMatch(/^ID\s+TYPE\s+RECEIVES\s+FIRST FAILURE\s+BODY PREVIEW$/m);
        for (const [i, id] of deadLetterIds(session).entries()) {
          const input = JSON.stringify(DEAD_LETTERS[i]);
          expect(run.stdout).toMatch(
            new RegExp(`^${id}  echo  \\d+\\s+${TIME}  input ${input}$`, "m"),
          );
        }
        expect(run.stdout).toContain("2 messages in tasklane-dev-tasks-dlq; they stay there.");
        expect(run.stdout + run.stderr).toContain(
          "Move them back with `tasklane dlq redrive --all` (or --id <id>); see a task with `tasklane status <id>`.",
        );
      },
    },
  ],
  [
    "pnpm tasklane dlq redrive --all",
    {
      exitCode: 0,
      assess(run, session) {
        expect(run.stdout).toContain(
          "Redriving from tasklane-dev-tasks-dlq to tasklane-dev-tasks:",
        );
        for (const id of deadLetterIds(session)) {
          expect(run.stdout).toMatch(
            new RegExp(`^  redriven\\s+${id}  echo\\s+-> message ${TASK_ID}$`, "m"),
          );
        }
        expect(run.stdout).toContain(
          "2 redriven, 0 failed. They run again now: follow them with `tasklane status <id>`.",
        );
      },
    },
  ],
  [
    "pnpm tasklane list --since 10m",
    {
      async arrange(session) {
        for (const id of deadLetterIds(session)) {
          await waitFor(
            async () => ((await getTask(session, id)).status === "succeeded" ? true : undefined),
            { timeoutMs: 30_000, intervalMs: 200, what: `redriven task ${id} to succeed` },
          );
        }
      },
      exitCode: 0,
      assess(run, session) {
        expect(run.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+ATTEMPTS\s+CREATED\s+FINISHED$/m);
        for (const id of deadLetterIds(session)) {
          expect(run.stdout).toMatch(
            new RegExp(`^${id}  echo\\s+succeeded  1\\s+${TIME}  ${TIME}$`, "m"),
          );
        }
      },
    },
  ],
  [
    "pnpm tasklane dlq purge --all",
    {
      // Exit 2: `purge` without --yes is a usage mistake (docs/cli.md's exit codes).
      exitCode: 2,
      assess(run) {
        expect(run.stderr).toContain(
          "tasklane: dlq purge deletes messages for good, and nothing can bring them back; it needs --yes to go ahead\n" +
            "fix: look at them first with `tasklane dlq list`, consider `tasklane dlq redrive`, then add --yes",
        );
      },
    },
  ],
  [
    `curl -s -X POST http://localhost:3000/tasks -H 'content-type: application/json' -d '{"type":"echo","input":{"hello":"world"}}'`,
    { exitCode: 0, assess: acceptedAs("echo", "local-runtime.md's task") },
  ],
  [
    "curl -s http://localhost:3000/tasks/01a21133-13e7-77c4-b2a3-8390d7f69878",
    {
      placeholders: (session) => ({
        "01a21133-13e7-77c4-b2a3-8390d7f69878": saved(session, "local-runtime.md's task"),
      }),
      until: succeeded,
      exitCode: 0,
      assess(run, session) {
        expect(json(run)).toMatchObject({
          id: saved(session, "local-runtime.md's task"),
          type: "echo",
          status: "succeeded",
          attempts: 1,
          output: { hello: "world" },
        });
      },
    },
  ],
]);
