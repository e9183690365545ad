import { loadHandlers, startedOnce } from "@tasklane/test-support";
import { afterAll, beforeAll } from "vitest";
import { startConsumerEnvironment } from "./consumerEnvironment.js";

/** The consumer's handlers: the SQS handler and the four steps', by the name of their module. */
const HANDLERS = {
  startExecutions: () => import("../../src/handlers/startExecutions.js"),
  createTask: () => import("../../src/handlers/createTask.js"),
  checkTaskStatus: () => import("../../src/handlers/checkTaskStatus.js"),
  taskCompleted: () => import("../../src/handlers/taskCompleted.js"),
  markFailed: () => import("../../src/handlers/markFailed.js"),
};

/**
 * The emulators, the tasks table, the queue and the handlers named, for one test file: the
 * environment is started before its first test, then the handler modules are loaded (they read
 * it when loaded), and all is stopped after its last test. Destructure it at the file's top
 * level; use what it holds in hooks and tests.
 */
export function consumerSuite<H extends keyof typeof HANDLERS = never>(
  options: Parameters<typeof startConsumerEnvironment>[0] = {},
  handlers: readonly H[] = [],
) {
  return startedOnce(
    { beforeAll, afterAll },
    async () => ({
      ...(await startConsumerEnvironment(options)),
      ...(await loadHandlers(HANDLERS, handlers)),
    }),
    ({ aws }) => aws.stop(),
  );
}
