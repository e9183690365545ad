import * as z from "zod";
import {
  type AnyTaskDefinition,
  createEnvelope,
  defineTask,
  defineTaskContract,
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  type TaskEnvelope,
} from "../../src/index.js";

export const BUCKETS = { payloads: "tasklane-test-payloads", results: "tasklane-test-results" };

export const FUNCTION_ARNS = {
  createTask: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-create-task",
  checkTaskStatus: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-check-task-status",
  taskCompleted: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-task-completed",
  markFailed: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-mark-failed",
};

/** A valid envelope for `type` with `input` inline; override any field. */
export function envelopeFor(
  type: string,
  input: JsonValue,
  overrides: Partial<Omit<TaskEnvelope, "v">> = {},
): TaskEnvelope {
  return createEnvelope({
    id: newTaskId(),
    type,
    generation: 1,
    createdAt: new Date().toISOString(),
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type, input }),
    ...overrides,
  });
}

/** The raw JSON of a valid v1 envelope, for tests that break it on purpose. */
export function rawEnvelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    id: "0190f5b2-7c1e-7d3a-9f00-123456789abc",
    type: "echo",
    generation: 1,
    createdAt: "2026-11-25T10:00:00.000Z",
    input: { kind: "inline", value: { hello: "world" } },
    fingerprint: "a".repeat(64),
    correlationId: "req-123",
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date("2026-11-25T10:00:00.000Z")) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export type { AnyTaskDefinition };

/**
 * A task that never finishes: `start` and every `poll` answer `running` and ask to be polled
 * again after `pollAfterSeconds`, so only its `timeoutSeconds` (or the workflow's bounds) ends it.
 */
export function neverFinishing(options: {
  type: string;
  description: string;
  timeoutSeconds: number;
  pollAfterSeconds: number;
}) {
  const { type, description, timeoutSeconds, pollAfterSeconds } = options;
  return defineTask(
    defineTaskContract({
      type,
      description,
      input: z.object({}),
      output: z.object({}),
      timeoutSeconds,
    }),
    {
      start: () => ({ status: "running", state: {}, pollAfterSeconds }),
      poll: (state) => ({ status: "running", state, pollAfterSeconds }),
    },
  );
}
