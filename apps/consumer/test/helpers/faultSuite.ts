import type { TaskRecord } from "@tasklane/shared-task";
import { lazily } from "@tasklane/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type FaultCase,
  type FaultReport,
  type FaultSystem,
  printFaultReport,
  startFaultSystem,
  tryEveryFault,
} from "./faultsSystem.js";

/**
 * The timeout of a test that walks many fault points (or interleavings), each a fresh run driven
 * to quiescence. It guards against a hang, nothing more: with every package's tests at once on
 * two cores such a test takes several times as long as alone, and the default 20 s then fails
 * it while it keeps running in the background, into the next test of the file.
 */
export const FAULT_WALK_TIMEOUT_MS = 180_000;

export interface FaultSuite {
  /** The file's one fault system, started before its first test and stopped after its last. */
  system: FaultSystem;
  /** Tries every fault on `c` (see `tryEveryFault`), prints and counts its fault points. */
  tryEveryFault<S, T>(c: FaultCase<S, T>): Promise<FaultReport>;
  /** A test titled `title` that tries every fault on `c` and expects no violation at all. */
  itHoldsUnderEveryFault<S, T>(title: string, c: FaultCase<S, T>): void;
  /** Counts `n` more fault points or interleavings, for the file's closing line. */
  count(n: number): void;
  /** How many the file tried so far (unique within it, so a name for the next case). */
  readonly tried: number;
}

/**
 * One fault system per test file, shared by its tests (each case empties the queues, buckets
 * and Step Functions itself), its queues, buckets and table named after the file, and a count
 * of what the file tried, printed once it is done as `<what> in <file>: <n>`.
 */
export function faultSuite(
  file: string,
  options: Omit<NonNullable<Parameters<typeof startFaultSystem>[0]>, "prefix"> = {},
  what = "fault points",
): FaultSuite {
  let started: FaultSystem | undefined;
  let tried = 0;
  beforeAll(async () => {
    const prefix = file
      .replace(/\.test\.ts$/, "")
      .replaceAll(".", "-")
      .toLowerCase();
    started = await startFaultSystem({ ...options, prefix });
  });
  afterAll(async () => {
    console.log(`${what} in ${file}: ${tried}`);
    await started?.stop();
  });
  const system = lazily(`the fault system of ${file}`, () => started);
  async function tryEach<S, T>(c: FaultCase<S, T>): Promise<FaultReport> {
    const report = await tryEveryFault(system, c);
    printFaultReport(report);
    tried += report.points;
    return report;
  }
  return {
    system,
    tryEveryFault: tryEach,
    itHoldsUnderEveryFault(title, c) {
      it(
        title,
        async () => {
          const report = await tryEach(c);

          expect(report.violations).toEqual([]);
        },
        FAULT_WALK_TIMEOUT_MS,
      );
    },
    count(n) {
      tried += n;
    },
    get tried() {
      return tried;
    },
  };
}

/** How many times the code of task `id` started (of its `generation` only, when given). */
export function codeStarts(system: FaultSystem, id: string, generation?: number): number {
  return system.taskCalls.filter(
    (c) =>
      c.taskId === id &&
      c.fn === "start" &&
      (generation === undefined || c.generation === generation),
  ).length;
}

/**
 * The record of task `id`, as the system holds it now: one read of its item, where `recordsOf`
 * scans the whole table, which grows by a task or more with every case of the file.
 */
export function recordOf(system: FaultSystem, id: string): Promise<TaskRecord | undefined> {
  return system.healthy.records.get(id);
}

/** What a task nothing may stop owes once the system is quiet: it succeeded, its code ran once. */
export async function succeededOnce(system: FaultSystem, id: string): Promise<string[]> {
  const record = await recordOf(system, id);
  const starts = codeStarts(system, id);
  return [
    ...(record?.status === "succeeded" ? [] : [`the task ended ${record?.status}, not succeeded`]),
    ...(starts === 1 ? [] : [`its code ran ${starts} times`]),
  ];
}
