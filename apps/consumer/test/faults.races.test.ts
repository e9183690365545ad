import type { DrivenExecution, Interleave, RecordedCall } from "@tasklane/test-support";
import { describe, expect, it } from "vitest";
import { cancelTask } from "../../producer/src/cancelTask.js";
import {
  codeStarts,
  FAULT_WALK_TIMEOUT_MS,
  faultSuite,
  recordOf,
  succeededOnce,
} from "./helpers/faultSuite.js";
import { ACTOR } from "./helpers/faultsSystem.js";

/**
 * Invariant 8's races: a cancel run at every boundary of the consumer's start and of the steps
 * (the call waiting meanwhile), and a duplicate execution of one generation (Express dedupes
 * nothing) run at every boundary of the first one's steps. A cancel that wins leaves the task
 * cancelled with no result recorded; one that loses finds it succeeded; the code runs once.
 */
const suite = faultSuite(
  "faults.races.test.ts",
  { inlineInputMaxBytes: 64, maxInlineBytes: 16 },
  "interleavings",
);
const { system } = suite;

const large = (tag: string) => ({ text: `the large input of ${tag} `.repeat(6) });

/** Every boundary × before/after, each running `race` while the call waits. */
function interleavings_(
  calls: readonly RecordedCall[],
  race: () => Promise<unknown>,
): Interleave[][] {
  return calls.flatMap(({ service, command, nth }) =>
    (["before", "after"] as const).map((at) => [{ service, command, nth, at, run: race }]),
  );
}

const label = (plan: readonly Interleave[]) =>
  plan.map((p) => `${p.at} ${p.service}.${p.command}#${p.nth}`).join(", ");

/** Two ways a cancel meets a running task: whole, or its StopExecution lost (the write alone). */
const CANCELS: Record<string, (id: string) => Promise<boolean>> = {
  "cancel (write and stop)": async (id) =>
    (await cancelTask(system.healthy, id, ACTOR)).kind === "cancelled",
  "cancel whose StopExecution is lost (write only)": async (id) =>
    (await system.healthy.records.cancel(id, ACTOR)).ok,
};

/** Runs a cancel, noting whether it won (the task was cancelled) or lost (it had ended). */
function cancelling(cancel: (id: string) => Promise<boolean>, id: string) {
  const result = { won: undefined as boolean | undefined };
  return {
    result,
    run: async () => {
      result.won = await cancel(id);
    },
  };
}

/**
 * What a cancel racing a task must leave: if it won, the task is cancelled and no result was
 * recorded (its code may have run); if it lost, the task had already succeeded. Either way the
 * code ran at most once.
 */
async function cancelledProblems(
  id: string,
  where: string,
  won: boolean | undefined,
): Promise<string[]> {
  const record = await recordOf(system, id);
  const problems = (await system.invariants({ accepted: [id] })).map((p) => `${where}: ${p}`);
  if (won === undefined) problems.push(`${where}: the cancel never ran`);
  if (won && record?.status !== "cancelled")
    problems.push(`${where}: the cancel won, yet the task ended ${record?.status}`);
  if (won && record?.output !== undefined)
    problems.push(`${where}: a cancelled task has a recorded output`);
  if (won === false && record?.status !== "succeeded") {
    problems.push(`${where}: the cancel found the task ended, yet it is ${record?.status}`);
  }
  const starts = codeStarts(system, id);
  if (starts > 1) problems.push(`${where}: its code ran ${starts} times`);
  return problems;
}

describe.each(Object.entries(CANCELS))("%s racing the consumer's start", (name, cancel) => {
  it(
    "at every boundary of startTaskExecution: the task ends cancelled and its code never runs",
    async () => {
      system.beginCase();
      await system.submit("echo", { recording: true }, `${name}-recording`);
      const recording = system.withFaults([]);
      await system.deliverToFaulty(recording);
      recording.detach();
      await system.drive();
      const problems: string[] = [];

      for (const plan of interleavings_(recording.calls, async () => undefined)) {
        system.beginCase();
        const id = await system.submit("echo", { raced: label(plan) }, `${name}-${suite.tried}`);
        const race = cancelling(cancel, id);
        const session = system.withFaults(plan.map((p) => ({ ...p, run: race.run })));
        await system.deliverToFaulty(session);
        session.detach();
        await system.drive();
        suite.count(1);

        const where = `${name} at ${label(plan)}`;
        problems.push(...(await cancelledProblems(id, where, race.result.won)));
        // Before the task started, a cancel always wins, and the code never runs.
        if (!race.result.won) problems.push(`${where}: the cancel of a task not yet started lost`);
        if (system.taskCalls.some((c) => c.taskId === id)) problems.push(`${where}: the code ran`);
      }

      expect(problems).toEqual([]);
    },
    FAULT_WALK_TIMEOUT_MS,
  );

  it("concurrently: the task ends cancelled and its code never runs", async () => {
    system.beginCase();
    const id = await system.submit("echo", { concurrent: true }, `${name}-concurrent`);
    const session = system.withFaults([]);

    const race = cancelling(cancel, id);
    await Promise.all([system.deliverToFaulty(session), race.run()]);
    session.detach();
    await system.drive();
    suite.count(1);

    expect(race.result.won).toBe(true);
    expect(await cancelledProblems(id, "concurrent", race.result.won)).toEqual([]);
    expect(system.taskCalls.filter((c) => c.taskId === id)).toEqual([]);
  });
});

/** A task started with healthy clients; its execution waits for the test to run it. */
async function startedTask(
  correlationId: string,
): Promise<{ id: string; execution: DrivenExecution }> {
  const id = await system.submit("echo", large(correlationId), correlationId);
  const [execution] = await system.startQueued();
  if (!execution) throw new Error("setup: no execution started");
  return { id, execution };
}

describe.each(Object.entries(CANCELS))("%s racing the steps", (name, cancel) => {
  it.each(["CreateTask", "TaskCompleted"])(
    "at every boundary of %s: the task ends cancelled, its result never recorded",
    async (state) => {
      system.beginCase();
      const setup = await startedTask(`${name}-${state}-recording`);
      const recording = system.withFaults([]);
      await system.execute(setup.execution, { state, session: recording });
      recording.detach();
      const problems: string[] = [];

      for (const plan of interleavings_(recording.calls, async () => undefined)) {
        system.beginCase();
        const { id, execution } = await startedTask(`${name}-${state}-${suite.tried}`);
        const race = cancelling(cancel, id);
        const session = system.withFaults(plan.map((p) => ({ ...p, run: race.run })));
        await system.execute(execution, { state, session });
        session.detach();
        await system.drive(new Set([execution.executionArn]));
        suite.count(1);

        problems.push(
          ...(await cancelledProblems(id, `${name}, ${state} at ${label(plan)}`, race.result.won)),
        );
      }

      expect(problems).toEqual([]);
    },
    FAULT_WALK_TIMEOUT_MS,
  );
});

describe("duplicate executions of one generation (Express dedupes nothing)", () => {
  const twin = (execution: DrivenExecution, run: string): DrivenExecution => ({
    name: `${execution.name}-express-${run}`,
    executionArn: `${execution.executionArn}-express-${run}`,
    input: { ...(execution.input as object), run },
  });

  it("two executions with two run ids, run concurrently: the code runs once, one execution records it", async () => {
    system.beginCase();
    const { id, execution } = await startedTask("express-concurrent");

    const runs = await Promise.all([
      system.execute(execution),
      system.execute(twin(execution, "b")),
    ]);
    await system.drive(new Set([execution.executionArn]));

    expect(runs.map((r) => r.status).sort()).toEqual(["FAILED", "SUCCEEDED"]);
    expect(runs.find((r) => r.status === "FAILED")?.error).toBe("TaskSupersededError");
    expect(system.taskCalls.filter((c) => c.taskId === id && c.fn === "start")).toHaveLength(1);
    const [record] = await system.recordsOf({ ids: [id] });
    expect(record).toMatchObject({ status: "succeeded", generation: 1 });
    expect(await system.invariants({ accepted: [id] })).toEqual([]);
  });

  it(
    "the twin run at every boundary of the first's CreateTask and TaskCompleted: the code runs once",
    async () => {
      system.beginCase();
      const setup = await startedTask("express-recording");
      const recording = system.withFaults([]);
      await system.execute(setup.execution, { state: "CreateTask", session: recording });
      recording.detach();
      const completing = await startedTask("express-recording-2");
      const recordingCompleted = system.withFaults([]);
      await system.execute(completing.execution, {
        state: "TaskCompleted",
        session: recordingCompleted,
      });
      recordingCompleted.detach();
      const problems: string[] = [];

      for (const [state, calls] of [
        ["CreateTask", recording.calls],
        ["TaskCompleted", recordingCompleted.calls],
      ] as const) {
        for (const plan of interleavings_(calls, async () => undefined)) {
          system.beginCase();
          const { id, execution } = await startedTask(`express-${suite.tried}`);
          const second = twin(execution, "twin");
          const session = system.withFaults(
            plan.map((p) => ({ ...p, run: () => system.execute(second) })),
          );
          await system.execute(execution, { state, session });
          session.detach();
          await system.drive(new Set([execution.executionArn]));
          suite.count(1);

          const where = `${state} at ${label(plan)}`;
          problems.push(
            ...[
              ...(await succeededOnce(system, id)),
              ...(await system.invariants({ accepted: [id] })),
            ].map((p) => `${where}: ${p}`),
          );
        }
      }

      expect(problems).toEqual([]);
    },
    FAULT_WALK_TIMEOUT_MS,
  );
});
