import * as pulumi from "@pulumi/pulumi";
import { queueVisibilityTimeoutSeconds } from "@tasklane/stack-config";
import { loadStackConfig } from "./stackConfig.js";

// The foundation of the program: the stack's config, validated. The resources follow in
// components/ (queue, storage, functions, workflow, API, alarms).
const config = loadStackConfig();

export const stack = pulumi.getStack();
export const owner = config.owner;
export const queueSettings = {
  fifo: config.queue.fifo,
  maxReceiveCount: config.queue.maxReceiveCount,
  visibilityTimeoutSeconds: queueVisibilityTimeoutSeconds(config),
};
