import * as z from "zod";
import {
  type AnyTaskDefinition,
  defineTask,
  fingerprintSubmission,
  type JsonValue,
  newTaskId,
  parseEnvelope,
  type TaskEnvelope,
} from "../../src/index.js";

export const BUCKETS = { payloads: "tasklane-test-payloads", results: "tasklane-test-results" };

export const FUNCTION_ARNS = {
  createTask: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-create-task",
  checkTaskStatus: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-check-task-status",
  taskCompleted: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-task-completed",
  markFailed: "arn:aws:lambda:us-east-1:123456789012:function:tasklane-test-mark-failed",
};

/**
 * A valid envelope of a new task of `type` with `input` inline: {@link rawEnvelope} with a fresh
 * id, this moment and this input's fingerprint, parsed as the consumer parses it; override any
 * field.
 */
export function envelopeFor(
  type: string,
  input: JsonValue,
  overrides: Partial<Omit<TaskEnvelope, "v">> = {},
): TaskEnvelope {
  return parseEnvelope(
    rawEnvelope({
      id: newTaskId(),
      type,
      createdAt: new Date().toISOString(),
      input: { kind: "inline", value: input },
      fingerprint: fingerprintSubmission({ type, input }),
      ...overrides,
    }),
  );
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
export function neverFinishing(
  type: string,
  timing: { timeoutSeconds: number; pollAfterSeconds: number },
) {
  const { timeoutSeconds, pollAfterSeconds } = timing;
  return defineTask(
    {
      type,
      description: `Never finishes: asks to be polled again after ${pollAfterSeconds} s.`,
      input: z.object({}),
      output: z.object({}),
      timeoutSeconds,
    },
    {
      start: () => ({ status: "running", state: {}, pollAfterSeconds }),
      poll: (state) => ({ status: "running", state, pollAfterSeconds }),
    },
  );
}
