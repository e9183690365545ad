import { isDeepStrictEqual } from "node:util";
import type { TasklaneClient } from "@tasklane/api-client";
import { SMOKE_TEST_TASK_TYPE } from "./constants.js";
import { failed, type GateOutcome } from "./gates/gate.js";

/** The part of the Tasklane API client the smoke test uses. */
export type SmokeTestApi = Pick<TasklaneClient, "submitTask" | "waitForTask">;

/** Makes a client of a stack's API; the CLI's signs requests with SigV4. */
export type SmokeTestApiFactory = (apiUrl: string) => SmokeTestApi;

export interface SmokeTestRun {
  /** The stack under test, for messages. */
  stack: string;
  apiUrl: string;
  timeoutSeconds: number;
  /** How often the task is polled. */
  pollIntervalMs?: number;
  /** Put in the task's input, to find it in the logs (the release's commit, a CI run id). */
  tag: string;
}

/**
 * Submits an `echo` task to a stack's API and waits for it: it goes through API Gateway, SQS,
 * Step Functions and Lambda, and must come back `succeeded` with its input as output. Used by
 * gate 4 and by the deploy workflow after `pulumi up` of dev (`tasklane-release smoke-test`).
 */
export async function runSmokeTest(api: SmokeTestApi, run: SmokeTestRun): Promise<GateOutcome> {
  const { stack, apiUrl } = run;
  const input = { smokeTest: run.tag, at: new Date().toISOString() };
  const startedAt = Date.now();
  let id: string | undefined;
  try {
    ({ id } = await api.submitTask({ type: SMOKE_TEST_TASK_TYPE, input }));
    const task = await api.waitForTask(id, {
      timeoutMs: run.timeoutSeconds * 1000,
      intervalMs: run.pollIntervalMs ?? 1000,
    });
    if (task.status !== "succeeded") {
      return failed(
        `the ${SMOKE_TEST_TASK_TYPE} task ${id} ended ${task.status}`,
        [
          `Find out why ${stack} fails: GET ${apiUrl.replace(/\/$/, "")}/tasks/${id}, the consumer's logs, the DLQ.`,
          `Fix ${stack} (deploy a fixed release), then try again.`,
        ],
        task.error ? [`${task.error.name}: ${task.error.message}`] : undefined,
      );
    }
    if (!isDeepStrictEqual(task.output, input)) {
      return failed(
        `the ${SMOKE_TEST_TASK_TYPE} task ${id} succeeded but did not return its input`,
        [
          `The ${SMOKE_TEST_TASK_TYPE} task or the result path of ${stack} is broken: fix it, deploy ${stack} again, then try again.`,
        ],
        [`sent ${JSON.stringify(input)}`, `got  ${JSON.stringify(task.output)}`],
      );
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failed(
      `the smoke test against ${apiUrl} did not complete${id ? ` (task ${id})` : ""}`,
      [
        `Check that your AWS credentials may call ${stack}'s API (execute-api:Invoke): aws sts get-caller-identity`,
        `If ${stack} is slow rather than broken, allow more time (now ${run.timeoutSeconds} s): --smoke-timeout <seconds>`,
      ],
      [message],
    );
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  return {
    status: "passed",
    summary: `${SMOKE_TEST_TASK_TYPE} task ${id} succeeded on ${stack} in ${seconds} s`,
  };
}
