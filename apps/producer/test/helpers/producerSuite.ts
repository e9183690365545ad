import type { TaskPayloads, TaskRecords } from "@tasklane/task-store";
import {
  type AwsEmulators,
  type LoadedHandlers,
  loadHandlers,
  startedOnce,
} from "@tasklane/test-support";
import { afterAll, beforeAll } from "vitest";
import type { ApiHandler } from "./apiEvents.js";
import { startProducerEnvironment, storesOf } from "./producerEnvironment.js";

/** The producer's API handlers, by the name of their module. */
const API_HANDLERS = {
  ingest: () => import("../../src/handlers/ingest.js"),
  status: () => import("../../src/handlers/status.js"),
  cancel: () => import("../../src/handlers/cancel.js"),
  retry: () => import("../../src/handlers/retry.js"),
  catalog: () => import("../../src/handlers/catalog.js"),
} satisfies Record<string, () => Promise<{ handler: ApiHandler }>>;

export type ProducerSuite<H extends keyof typeof API_HANDLERS> = {
  aws: AwsEmulators;
  records: TaskRecords;
  payloads: TaskPayloads;
} & LoadedHandlers<typeof API_HANDLERS, H>;

/**
 * The emulators, the stores and the API handlers named, for one test file: the environment is
 * started before its first test, then the handler modules are loaded (they read it when
 * loaded), and all is stopped after its last test. Destructure it at the file's top level; use
 * what it holds in hooks and tests.
 */
export function producerSuite<H extends keyof typeof API_HANDLERS = never>(
  options: Parameters<typeof startProducerEnvironment>[0] = {},
  handlers: readonly H[] = [],
): ProducerSuite<H> {
  return startedOnce(
    { beforeAll, afterAll },
    async () => {
      const aws = await startProducerEnvironment(options);
      return { aws, ...storesOf(aws), ...(await loadHandlers(API_HANDLERS, handlers)) };
    },
    ({ aws }) => aws.stop(),
  );
}
